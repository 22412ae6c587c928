// Internal to catalog_store*.cc: everything one write changes, staged before a
// single WriteBatch commits it.
#ifndef BIBIA_CATALOG_STORE_BATCH_H_
#define BIBIA_CATALOG_STORE_BATCH_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/store.h"

namespace bibia::catalog {

struct Store::Batch {
  rocksdb::WriteBatch batch;
  IndexChanges index;
  LogChanges log;
  int64_t feedback_delta = 0;
  int64_t conflicts = 0;  // replicated entries for records another origin owns
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_STORE_BATCH_H_
