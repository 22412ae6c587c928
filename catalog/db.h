// The node's single RocksDB database: opening it with its column families,
// checking the schema version, and translating rocksdb::Status into
// absl::Status. Only catalog/ sees RocksDB types.
#ifndef BIBIA_CATALOG_DB_H_
#define BIBIA_CATALOG_DB_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "catalog/keys.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace bibia::catalog {

// Version of the on-disk layout; a store written by another version is refused
// rather than misread, except the older versions this build migrates.
// 2: plural folding of index terms; 3: records hold references into the log.
inline constexpr int kSchemaVersion = 3;
inline constexpr int kOldestMigratedSchemaVersion = 2;

absl::Status FromRocks(const rocksdb::Status& status, std::string_view what);

class Db {
 public:
  struct Options {
    // Bytes of block cache shared by all families (hot postings live here).
    size_t block_cache_bytes = 256 << 20;
    // fsync the WAL on every write: an acknowledged write survives kill -9 and
    // power loss. Only bulk tools that can redo their work turn it off.
    bool sync_writes = true;
  };

  // Opens or creates the database in `dir`, creating missing families and
  // recording the schema version on first use. A store of a version from
  // kOldestMigratedSchemaVersion on opens; its owner migrates it.
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& dir, const Options& options);

  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // The schema version the store was written with.
  int schema_version() const { return schema_version_; }

  rocksdb::DB* raw() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(Family f) const { return handles_[static_cast<int>(f)]; }

  // Applies `batch` atomically (and durably when sync_writes).
  absl::Status Write(rocksdb::WriteBatch* batch);

  // The value of `key`, or nullopt if absent.
  absl::StatusOr<std::optional<std::string>> Get(Family f, std::string_view key) const;

  // The values of `keys` in family `f` (nullopt: absent), read in one batch:
  // much cheaper per key than a Get each when there are hundreds.
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(Family f,
                                                                   absl::Span<const std::string_view> keys) const;

  // A new iterator over family `f`; the caller owns it.
  std::unique_ptr<rocksdb::Iterator> NewIterator(Family f) const;
  // The same for reading a long range once (serving a peer that catches up):
  // the blocks it reads are not kept in the block cache, whose room is for
  // what searches read again and again.
  std::unique_ptr<rocksdb::Iterator> NewScanIterator(Family f) const;

 private:
  Db() = default;
  absl::Status CheckSchemaVersion();

  Options options_;
  int schema_version_ = kSchemaVersion;
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> handles_{};
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_DB_H_
