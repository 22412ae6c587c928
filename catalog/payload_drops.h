// Emptying the earlier payloads of one record in one (origin, tier) log:
// what a redaction does, on the node that writes it (Store::RedactHistory)
// and on every node that receives it (ReplicaReceiver). An emptied entry
// keeps its payload_hash, so the chain still verifies.
#ifndef BIBIA_CATALOG_PAYLOAD_DROPS_H_
#define BIBIA_CATALOG_PAYLOAD_DROPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/db.h"

namespace bibia::catalog {

// Where `key`'s payloads are in one (origin, tier) log: the log keys of its
// entries that hold one, among the entries read so far (up to `last_seq`).
struct PayloadScan {
  std::vector<std::string> log_keys;
  uint64_t last_seq = 0;
};

// Extends `scan` with the entries after scan->last_seq and before
// `before_seq`. Reads only: a redaction runs it once without the writer
// lock over the whole log, then under it over what was appended since.
absl::Status ScanPayloads(const Db& db, const std::string& origin, v1::Tier tier, const std::string& key,
                          uint64_t before_seq, PayloadScan* scan);

// Stages into `batch` emptying the payloads of `key`'s entries before
// `before_seq` in (origin, tier); returns how many it empties. `scan` holds
// what an earlier ScanPayloads found: only the entries after it are read in
// full. Under the writer lock.
absl::StatusOr<int> StageDropPayloads(const Db& db, const std::string& origin, v1::Tier tier,
                                      const std::string& key, uint64_t before_seq, rocksdb::WriteBatch* batch,
                                      PayloadScan scan);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_PAYLOAD_DROPS_H_
