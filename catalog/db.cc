#include "catalog/db.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "catalog/posting_list.h"
#include "rocksdb/env.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/sst_file_manager.h"
#include "rocksdb/table.h"

namespace bibia::catalog {

absl::Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(std::string(what), ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (status.IsBusy() || status.IsTryAgain() || status.IsTimedOut()) return absl::UnavailableError(message);
  if (status.IsIOError()) {
    // Another process holding the LOCK file is the common case worth naming.
    if (absl::StrContains(status.ToString(), "lock file")) {
      return absl::UnavailableError(absl::StrCat(std::string(what),
                                                 ": in use by another process (is a bibia-node already running on it?)"));
    }
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

namespace {

// What went wrong, in words that name no file (RocksDB's messages do).
std::string Cause(const rocksdb::Status& status) {
  if (status.IsNoSpace() || status.subcode() == rocksdb::Status::kSpaceLimit) return "disk full";
  if (status.IsCorruption()) return "corruption";
  if (status.IsIOError()) return "I/O error";
  return "error";
}

// The status of a write RocksDB refused: nothing of it was written.
absl::Status WriteFailed(const rocksdb::Status& status) {
  if (status.IsNoSpace()) {
    return absl::ResourceExhaustedError(
        "store: disk full, write not done (reads go on; writes resume when space returns)");
  }
  if (status.IsIOError() || status.IsCorruption()) {
    return absl::UnavailableError(absl::StrCat("store cannot write (", Cause(status), "), write not done"));
  }
  return FromRocks(status, "write batch");
}

}  // namespace

// Keeps RocksDB's background error, if any: set when it stops writes, cleared
// when it recovers (by itself or by DB::Resume).
class ErrorListener : public rocksdb::EventListener {
 public:
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* bg_error) override {
    if (bg_error == nullptr || bg_error->ok()) return;
    absl::MutexLock lock(&mu_);
    error_ = *bg_error;
  }
  void OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) override {
    absl::MutexLock lock(&mu_);
    error_ = info.new_bg_error;
  }
  // Sets the state after the owner's own DB::Resume.
  void Set(const rocksdb::Status& status) {
    absl::MutexLock lock(&mu_);
    error_ = status;
  }
  rocksdb::Status error() {
    absl::MutexLock lock(&mu_);
    return error_;
  }

 private:
  absl::Mutex mu_;
  rocksdb::Status error_ ABSL_GUARDED_BY(mu_);
};

namespace {

// The (origin, tier) part of a log key, the seq being its last 8 bytes: a
// sync appends runs of consecutive keys under one such prefix, and RocksDB
// inserts them into the memtable next to the previous one instead of
// searching the skip list from the top for each.
class LogKeyPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "bibia.LogKeyPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > 8; }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Db>> Db::Open(const std::string& dir, const Options& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  // Writers are serialised by the store anyway; a single writer lets RocksDB
  // use the log family's insert hints (it ignores them for concurrent writes).
  db_options.allow_concurrent_memtable_write = false;
  db_options.max_open_files = 512;
  db_options.keep_log_file_num = 4;

  auto db = std::unique_ptr<Db>(new Db());
  db->options_ = options;
  std::shared_ptr<rocksdb::FileSystem> fs = rocksdb::FileSystem::Default();
  if (options.file_system) {
    fs = options.file_system;
    db->env_ = rocksdb::NewCompositeEnv(fs);
    db_options.env = db->env_.get();
  }
  db->errors_ = std::make_shared<ErrorListener>();
  db_options.listeners.push_back(db->errors_);
  // RocksDB's own watch on space (SstFileManager): after a full disk it
  // starts no compaction that would not fit, and retries by itself once
  // space returns. Each reading of the free space also caps the files
  // RocksDB may hold at what they take now plus what is free above the
  // reserve: a compaction that would eat into it is postponed (not failed),
  // leaving the reserve to flushes; a flush past the cap stops writes until
  // space returns (then resumed).
  rocksdb::Status sfm_status;
  std::shared_ptr<rocksdb::SstFileManager> sst_files(
      rocksdb::NewSstFileManager(db_options.env, fs, nullptr, "", 0, true, &sfm_status));
  if (!sfm_status.ok()) return FromRocks(sfm_status, "open store: space manager");
  db_options.sst_file_manager = sst_files;
  db->reserve_ = std::make_unique<DiskReserve>(
      options.disk_reserve_bytes, options.free_bytes ? options.free_bytes : DiskReserve::FreeBytesOf(dir));
  const uint64_t keep_free = options.disk_reserve_bytes;
  db->reserve_->set_on_read([sst_files, keep_free](uint64_t free) {
    sst_files->SetMaxAllowedSpaceUsage(sst_files->GetTotalSize() + (free > keep_free ? free - keep_free : 0) + 1);
  });

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < kFamilyCount; ++i) {
    Family f = static_cast<Family>(i);
    rocksdb::ColumnFamilyOptions cf(db_options);
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    cf.compression = rocksdb::kLZ4Compression;
    if (f == Family::kIndex) {
      cf.merge_operator = NewPostingMergeOperator();
    }
    if (f == Family::kLog) {
      cf.memtable_insert_with_hint_prefix_extractor = std::make_shared<LogKeyPrefix>();
      // Entries arrive by the hundred thousand when a node catches up: a
      // larger memtable takes a whole cold sync of ~100 MB without a flush
      // competing with it for the CPU (the flush comes once it is idle).
      cf.write_buffer_size = 256 << 20;
    }
    if (f == Family::kRecords) {
      // Most reads of a record before writing it (replication, imports) find
      // nothing: a memtable bloom filter answers them without a skip-list search.
      cf.memtable_prefix_bloom_size_ratio = 0.02;
      cf.memtable_whole_key_filtering = true;
    }
    if (f == Family::kChunks) {
      // Chunk bytes (16-256 KiB) go to blob files, out of the LSM tree:
      // compactions move keys, not model weights. Blobs of deleted chunks
      // are rewritten away by blob garbage collection during compactions.
      cf.enable_blob_files = true;
      cf.min_blob_size = 4096;
      cf.enable_blob_garbage_collection = true;
      cf.blob_garbage_collection_age_cutoff = 0.25;
      // Chunks are written without the WAL and flushed at the end of each
      // upload (ChunkStore::Sync): small memtables keep the node's memory
      // low while a push streams through it.
      cf.write_buffer_size = 16 << 20;
    }
    descriptors.emplace_back(FamilyName(f), cf);
  }
  // The default family must come first in RocksDB's list; it is kMeta here.
  std::rotate(descriptors.begin(), descriptors.begin() + static_cast<int>(Family::kMeta), descriptors.end());

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open database in ", dir));

  db->db_.reset(raw);
  for (size_t i = 0; i < handles.size(); ++i) {
    int family_index = (static_cast<int>(i) + static_cast<int>(Family::kMeta)) % kFamilyCount;
    db->handles_[family_index] = handles[i];
  }
  absl::Status version = db->CheckSchemaVersion();
  if (!version.ok()) return version;
  return db;
}

Db::~Db() {
  if (!db_) return;
  for (auto* handle : handles_) {
    if (handle != nullptr) db_->DestroyColumnFamilyHandle(handle);
  }
  db_->Close();
}

absl::Status Db::CheckSchemaVersion() {
  auto stored = Get(Family::kMeta, kMetaSchemaVersion);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    rocksdb::WriteBatch batch;
    batch.Put(family(Family::kMeta), std::string(kMetaSchemaVersion), std::to_string(kSchemaVersion));
    return Write(&batch);
  }
  int version = 0;
  if (!absl::SimpleAtoi(**stored, &version) || version < kOldestMigratedSchemaVersion || version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat("store has schema version '", **stored,
                                                      "', this build reads versions ", kOldestMigratedSchemaVersion,
                                                      " to ", kSchemaVersion));
  }
  schema_version_ = version;
  return absl::OkStatus();
}

absl::Status Db::ResumeIfStopped() {
  if (errors_->error().ok()) return absl::OkStatus();
  absl::MutexLock lock(&resume_mu_);
  rocksdb::Status error = errors_->error();
  if (error.ok()) return absl::OkStatus();  // resumed meanwhile
  const absl::Status stopped = absl::UnavailableError(
      absl::StrCat("store cannot write after a storage error (", Cause(error), "), write not done (reads go on)"));
  // Resuming rewrites memtables into files: only with the reserve free.
  if (absl::Status room = reserve_->Check(); !room.ok()) return error.IsNoSpace() ? room : stopped;
  rocksdb::Status resumed = db_->Resume();
  if (!resumed.ok()) return stopped;
  errors_->Set(rocksdb::Status::OK());
  return absl::OkStatus();
}

absl::Status Db::Write(rocksdb::WriteBatch* batch) { return Write(batch, options_.sync_writes); }

absl::Status Db::Write(rocksdb::WriteBatch* batch, bool sync) {
  if (absl::Status writable = ResumeIfStopped(); !writable.ok()) return writable;
  // Deletions only (a project deleted, the audit pruned) free space: always admitted.
  if (batch->HasPut() || batch->HasMerge()) {
    if (absl::Status room = reserve_->Admit(batch->GetDataSize()); !room.ok()) return room;
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  rocksdb::Status s = db_->Write(write_options, batch);
  return s.ok() ? absl::OkStatus() : WriteFailed(s);
}

absl::Status Db::WriteUnlogged(rocksdb::WriteBatch* batch) {
  if (absl::Status writable = ResumeIfStopped(); !writable.ok()) return writable;
  if (batch->HasPut() || batch->HasMerge()) {
    if (absl::Status room = reserve_->Admit(batch->GetDataSize()); !room.ok()) return room;
  }
  rocksdb::WriteOptions write_options;
  write_options.disableWAL = true;
  rocksdb::Status s = db_->Write(write_options, batch);
  return s.ok() ? absl::OkStatus() : WriteFailed(s);
}

absl::Status Db::Flush(Family f) {
  rocksdb::FlushOptions options;
  options.wait = true;
  return FromRocks(db_->Flush(options, family(f)), absl::StrCat("flush ", FamilyName(f)));
}

absl::Status Db::Health() {
  if (absl::Status writable = ResumeIfStopped(); !writable.ok()) return writable;
  return reserve_->Check();
}

absl::StatusOr<std::optional<std::string>> Db::Get(Family f, std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family(f), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, absl::StrCat("read ", FamilyName(f)));
  return std::optional<std::string>(std::move(value));
}

absl::StatusOr<std::vector<std::optional<std::string>>> Db::MultiGet(
    Family f, absl::Span<const std::string_view> keys) const {
  if (keys.empty()) return std::vector<std::optional<std::string>>();
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (std::string_view key : keys) slices.emplace_back(key.data(), key.size());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), family(f), keys.size(), slices.data(), values.data(), statuses.data());
  std::vector<std::optional<std::string>> found(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i], absl::StrCat("read ", FamilyName(f)));
    found[i] = values[i].ToString();
  }
  return found;
}

std::unique_ptr<rocksdb::Iterator> Db::NewIterator(Family f) const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions(), family(f)));
}

std::unique_ptr<rocksdb::Iterator> Db::NewScanIterator(Family f) const {
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read_options, family(f)));
}

}  // namespace bibia::catalog
