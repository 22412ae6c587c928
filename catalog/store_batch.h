// Internal to catalog/: everything one write changes, staged before a single
// WriteBatch commits it.
#ifndef BIBIA_CATALOG_STORE_BATCH_H_
#define BIBIA_CATALOG_STORE_BATCH_H_

#include <cstdint>

#include "catalog/db.h"
#include "catalog/log_writer.h"
#include "catalog/search_index.h"

namespace bibia::catalog {

struct StoreBatch {
  rocksdb::WriteBatch batch;
  IndexChanges index;
  LogChanges log;
  int64_t feedback_delta = 0;
  int64_t conflicts = 0;  // replicated entries for records another origin owns
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_STORE_BATCH_H_
