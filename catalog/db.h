// The node's single RocksDB database: opening it with its column families,
// checking the schema version, and translating rocksdb::Status into
// absl::Status. Only catalog/ sees RocksDB types.
//
// A full disk: every write is first admitted by a DiskReserve (refused with
// RESOURCE_EXHAUSTED while less than the reserve would stay free), so that
// RocksDB itself should never meet a full disk. Should it all the same (or
// meet another I/O error), its background error stops writes (UNAVAILABLE or
// RESOURCE_EXHAUSTED, nothing written; reads go on), Health() says so, and
// the next write or health check once the reserve is free again resumes the
// database (DB::Resume; RocksDB's SstFileManager may recover it first).
#ifndef BIBIA_CATALOG_DB_H_
#define BIBIA_CATALOG_DB_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "catalog/disk_reserve.h"
#include "catalog/keys.h"
#include "rocksdb/db.h"
#include "rocksdb/file_system.h"
#include "rocksdb/write_batch.h"

namespace bibia::catalog {

// Version of the on-disk layout; a store written by another version is refused
// rather than misread, except the older versions this build migrates.
// 2: plural folding of index terms; 3: records hold references into the log.
inline constexpr int kSchemaVersion = 3;
inline constexpr int kOldestMigratedSchemaVersion = 2;

absl::Status FromRocks(const rocksdb::Status& status, std::string_view what);

// Free space kept by default on the store's disk: room for a flush of every
// memtable (the log family's is 256 MiB) and for compactions to finish.
inline constexpr uint64_t kDefaultDiskReserveBytes = 512ull << 20;

class ErrorListener;

class Db {
 public:
  struct Options {
    // Bytes of block cache shared by all families (hot postings live here).
    size_t block_cache_bytes = 256 << 20;
    // fsync the WAL on every write: an acknowledged write survives kill -9 and
    // power loss. Only bulk tools that can redo their work turn it off.
    bool sync_writes = true;
    // Free space writes must leave on the store's disk (DiskReserve);
    // 0: none (RocksDB meets the full disk itself).
    uint64_t disk_reserve_bytes = kDefaultDiskReserveBytes;
    // Tests only: the file system the store is written through (e.g. one
    // that injects faults), and the free space the reserve sees. Unset:
    // the real ones.
    std::shared_ptr<rocksdb::FileSystem> file_system;
    DiskReserve::FreeBytesFn free_bytes;
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

  // Applies `batch` atomically (and durably when sync_writes), if the disk
  // reserve admits it and the database can write (resuming it first if it
  // stopped on an error and the reserve is free again). Errors name the
  // store, never its files; a write that failed wrote nothing.
  absl::Status Write(rocksdb::WriteBatch* batch);
  // The same, fsynced or not as `sync` says, whatever sync_writes (the audit
  // of reads and refusals is not fsynced; writes' audit is).
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync);

  // The same without the write-ahead log (never fsynced): what it wrote is
  // lost by a crash until Flush(family) of every family it wrote returned.
  // For bulk data written once and made durable once (artifact chunks): it
  // halves what is written.
  absl::Status WriteUnlogged(rocksdb::WriteBatch* batch);
  // Flushes family `f`'s memtable to files and waits: what WriteUnlogged
  // wrote to it before is durable.
  absl::Status Flush(Family f);

  // OK if the store can write: UNAVAILABLE (or RESOURCE_EXHAUSTED for a full
  // disk) while RocksDB is stopped on a background error that resuming did
  // not clear, RESOURCE_EXHAUSTED while the disk reserve is not free. Reads
  // go on in every case. Reads the free space; thread-safe.
  absl::Status Health();

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
  // OK if RocksDB has no background error, or once DB::Resume cleared it
  // (tried only when the reserve is free).
  absl::Status ResumeIfStopped();

  Options options_;
  std::unique_ptr<rocksdb::Env> env_;  // over options_.file_system, if set; outlives db_
  std::shared_ptr<ErrorListener> errors_;
  std::unique_ptr<DiskReserve> reserve_;
  absl::Mutex resume_mu_;  // one DB::Resume at a time
  int schema_version_ = kSchemaVersion;
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kFamilyCount> handles_{};
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_DB_H_
