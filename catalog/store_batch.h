// Internal to catalog_store*.cc: everything one write changes, staged before a
// single WriteBatch commits it, and the record parsing both files share.
#ifndef BIBIA_CATALOG_STORE_BATCH_H_
#define BIBIA_CATALOG_STORE_BATCH_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/catalog_store.h"

namespace bibia::catalog {

struct CatalogStore::Batch {
  rocksdb::WriteBatch batch;
  IndexChanges index;
  LogChanges log;
  int64_t feedback_delta = 0;
  int64_t conflicts = 0;  // replicated entries for records another origin owns
  // Records as this batch leaves them, for several changes of one key.
  absl::flat_hash_map<std::string, std::optional<v1::StoredRecord>> staged;
};

inline absl::StatusOr<v1::StoredRecord> ParseRecord(const std::string& bytes, std::string_view key) {
  v1::StoredRecord record;
  if (!record.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("records: unreadable value at key '", std::string(key), "'"));
  }
  return record;
}

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_STORE_BATCH_H_
