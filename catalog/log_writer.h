// Appends this node's writes to its per-tier logs (DESIGN.md "Logs"): each
// entry gets the next seq of its (origin, tier), a hybrid logical clock time
// and the SHA-256 of the previous entry, so a chain with an omitted or
// reordered entry is detectable. Signing comes with federation.
#ifndef BIBIA_CATALOG_LOG_WRITER_H_
#define BIBIA_CATALOG_LOG_WRITER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/clock.h"
#include "catalog/db.h"

namespace bibia::catalog {

// SHA-256 of `bytes` (32 raw bytes).
std::string Sha256(std::string_view bytes);

// Log state staged by one write batch; becomes current after it committed.
struct LogChanges {
  struct Head {
    uint64_t seq = 0;
    std::string hash;  // of the entry at seq; empty before the first entry
  };
  std::array<Head, 4> heads;  // by tier
  int64_t hlc = 0;
  bool touched = false;
};

class LogWriter {
 public:
  // Reads the heads of `origin`'s logs. `db` and `clock` must outlive it.
  static absl::StatusOr<std::unique_ptr<LogWriter>> Load(Db* db, std::string origin, Clock* clock);

  // Starts staging a batch from the current heads.
  LogChanges Begin() const;

  // Appends the entry for `key` in `tier`'s log to `batch` (log and frontier
  // families): `payload` is the new record bytes, or nullopt for a tombstone.
  // Returns the seq given to the entry. REQUIRES: writers are serialised.
  uint64_t Stage(v1::Tier tier, std::string_view key, const std::string* payload, LogChanges* changes,
                 rocksdb::WriteBatch* batch) const;

  // Makes staged heads current once their batch committed.
  void Commit(const LogChanges& changes);

  const std::string& origin() const { return origin_; }
  uint64_t seq(v1::Tier tier) const { return heads_[tier].seq; }

 private:
  LogWriter(Db* db, std::string origin, Clock* clock) : db_(db), origin_(std::move(origin)), clock_(clock) {}

  Db* const db_;
  const std::string origin_;
  Clock* const clock_;
  std::array<LogChanges::Head, 4> heads_;
  int64_t hlc_ = 0;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_LOG_WRITER_H_
