// The node's named settings (the roster, the token registry, peers): values
// under "setting/<name>" in the meta family of the node's database, beside
// the catalogue but apart from its logs. A view over a Db: cheap to make,
// thread-safe, each write one durable WriteBatch. Store's NodeSettings
// calls for settings forward to it; token revocations are log records and
// stay with Store.
#ifndef BIBIA_CATALOG_SETTINGS_STORE_H_
#define BIBIA_CATALOG_SETTINGS_STORE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/db.h"

namespace bibia::catalog {

class SettingsStore {
 public:
  // `db` must outlive the view.
  explicit SettingsStore(Db* db) : db_(db) {}

  absl::Status Put(const std::string& name, const std::string& value);
  // Deleting a setting that is not there changes nothing.
  absl::Status Delete(const std::string& name);
  // The value of `name`, or nullopt.
  absl::StatusOr<std::optional<std::string>> Get(const std::string& name) const;
  // Every setting whose name starts with `prefix`, in name order.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(const std::string& prefix) const;

 private:
  Db* const db_;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_SETTINGS_STORE_H_
