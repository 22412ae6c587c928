// A node's own settings, kept in its store beside the catalogue: named
// values (the roster, the token registry, peers; kept by SettingsStore,
// catalog/settings_store.h) and the tokens it revoked (records of its public
// log). Implemented by Store (catalog/store.h). Thread-safe; each write is
// one durable WriteBatch.
#ifndef BIBIA_CATALOG_NODE_SETTINGS_H_
#define BIBIA_CATALOG_NODE_SETTINGS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace bibia::catalog {

class NodeSettings {
 public:
  virtual ~NodeSettings() = default;

  // Values under `name` (the meta family).
  virtual absl::Status PutSetting(const std::string& name, const std::string& value) = 0;
  virtual absl::Status DeleteSetting(const std::string& name) = 0;
  virtual absl::StatusOr<std::optional<std::string>> GetSetting(const std::string& name) const = 0;
  // Every setting whose name starts with `prefix`, in name order.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanSettings(
      const std::string& prefix) const = 0;

  // Token revocations: records of the public log, so that every node
  // accepting a node's tokens learns which it revoked.

  // Revokes token `token_id` issued by this node; revoking it again changes
  // nothing.
  virtual absl::Status RevokeToken(const std::string& token_id) = 0;
  // Whether `issuer` revoked `token_id` (here, or on its node and replicated).
  virtual absl::StatusOr<bool> IsRevoked(std::string_view issuer, std::string_view token_id) const = 0;
  // Token ids this node revoked, in id order.
  virtual absl::StatusOr<std::vector<std::string>> RevokedByThisNode() const = 0;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_NODE_SETTINGS_H_
