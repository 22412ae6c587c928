#include "catalog/chunk_store.h"

#include <algorithm>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "catalog/log_writer.h"
#include "catalog/status_macros.h"

namespace bibia::catalog {
namespace {

constexpr size_t kHashBytes = 32;

std::string HexPrefix(std::string_view hash) {
  const std::string_view prefix = hash.substr(0, 8);
  return absl::BytesToHexString(absl::string_view(prefix.data(), prefix.size()));
}

// A chunk's info row: its size, and when it was stored or last offered
// (0: released, ReleaseGrace).
struct ChunkInfo {
  uint64_t size = 0;
  int64_t stored_ms = 0;
};

std::string EncodeInfo(uint64_t size, int64_t stored_ms) {
  std::string value;
  AppendBigEndian64(&value, size);
  AppendBigEndian64(&value, static_cast<uint64_t>(stored_ms));
  return value;
}

// The fields a row holds; those a short (damaged) row lacks read as 0.
ChunkInfo DecodeInfo(std::string_view row) {
  ChunkInfo info;
  if (row.size() >= 8) info.size = DecodeBigEndian64(row.substr(0, 8));
  if (row.size() >= 16) info.stored_ms = static_cast<int64_t>(DecodeBigEndian64(row.substr(8, 8)));
  return info;
}

// Stages the removal of chunk `hash`: both its rows.
void StageRemoval(Db& db, std::string_view hash, rocksdb::WriteBatch* batch) {
  batch->Delete(db.family(Family::kChunks), ChunkInfoKey(hash));
  batch->Delete(db.family(Family::kChunks), ChunkDataKey(hash));
}

absl::Status CheckHash(std::string_view hash) {
  if (hash.size() != kHashBytes) {
    return absl::InvalidArgumentError(absl::StrCat("sha256: ", hash.size(), " bytes, a SHA-256 is 32"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChunkStore>> ChunkStore::Open(Db* db, Clock* clock, uint64_t max_bytes) {
  std::unique_ptr<ChunkStore> store(new ChunkStore(db, clock, max_bytes));
  uint64_t total = 0;
  const std::string prefix(1, kChunkInfoPrefix);
  std::unique_ptr<rocksdb::Iterator> it = db->NewScanIterator(Family::kChunks);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    total += DecodeInfo(std::string_view(it->value().data(), it->value().size())).size;
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read chunk sizes"));
  store->stored_bytes_ = total;
  return store;
}

absl::StatusOr<std::vector<bool>> ChunkStore::Has(absl::Span<const std::string_view> hashes) const {
  std::vector<std::string> keys;
  keys.reserve(hashes.size());
  for (std::string_view hash : hashes) {
    BIBIA_RETURN_IF_ERROR(CheckHash(hash));
    keys.push_back(ChunkInfoKey(hash));
  }
  std::vector<std::string_view> views(keys.begin(), keys.end());
  BIBIA_ASSIGN_OR_RETURN(auto values, db_->MultiGet(Family::kChunks, views));
  std::vector<bool> has(values.size());
  for (size_t i = 0; i < values.size(); ++i) has[i] = values[i].has_value();
  return has;
}

absl::StatusOr<ChunkStore::PutResult> ChunkStore::Put(
    absl::Span<const std::pair<std::string_view, std::string_view>> chunks, bool sync) {
  // Hashing is the costly part: done before the lock.
  for (size_t i = 0; i < chunks.size(); ++i) {
    const auto& [hash, bytes] = chunks[i];
    BIBIA_RETURN_IF_ERROR(CheckHash(hash));
    if (bytes.size() > kMaxStoredChunk) {
      return absl::InvalidArgumentError(absl::StrCat("chunk ", HexPrefix(hash), "…: ", bytes.size(),
                                                     " bytes, more than the ", kMaxStoredChunk, " a chunk may hold"));
    }
    if (Sha256(bytes) != hash) {
      return absl::InvalidArgumentError(absl::StrCat("chunk ", HexPrefix(hash),
                                                     "…: its bytes do not match its SHA-256; nothing stored"));
    }
  }
  absl::MutexLock lock(&put_mu_);
  std::vector<std::string_view> hashes;
  hashes.reserve(chunks.size());
  for (const auto& chunk : chunks) hashes.push_back(chunk.first);
  BIBIA_ASSIGN_OR_RETURN(std::vector<bool> has, Has(hashes));
  PutResult result;
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* family = db_->family(Family::kChunks);
  const int64_t now = clock_->NowMillis();
  absl::flat_hash_set<absl::string_view> in_batch;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const auto& [hash, bytes] = chunks[i];
    // Refreshed: a chunk offered again is not collected as an old upload
    // before the manifest that needs it is committed.
    batch.Put(family, ChunkInfoKey(hash), EncodeInfo(bytes.size(), now));
    if (has[i] || !in_batch.insert(absl::string_view(hash.data(), hash.size())).second) {
      ++result.present;
      continue;
    }
    batch.Put(family, ChunkDataKey(hash), rocksdb::Slice(bytes.data(), bytes.size()));
    ++result.stored;
    result.bytes += bytes.size();
  }
  if (max_bytes_ != 0 && stored_bytes_.load() + result.bytes > max_bytes_) {
    return absl::ResourceExhaustedError(absl::StrCat("chunk store: ", stored_bytes_.load() >> 20, " MiB stored, ",
                                                     result.bytes >> 20, " MiB more would pass the node's quota of ",
                                                     max_bytes_ >> 20, " MiB (--max-artifact-gib); nothing stored"));
  }
  BIBIA_RETURN_IF_ERROR(db_->WriteUnlogged(&batch));
  if (sync) BIBIA_RETURN_IF_ERROR(db_->Flush(Family::kChunks));
  stored_bytes_ += result.bytes;
  if (!chunks.empty()) unreferenced_since_ms_ = std::min(unreferenced_since_ms_.load(), now);
  return result;
}

absl::Status ChunkStore::ReleaseGrace(absl::Span<const std::string_view> hashes, int64_t offered_before_ms) {
  for (std::string_view hash : hashes) BIBIA_RETURN_IF_ERROR(CheckHash(hash));
  absl::MutexLock lock(&put_mu_);
  std::vector<std::string> keys;
  keys.reserve(hashes.size());
  for (std::string_view hash : hashes) keys.push_back(ChunkInfoKey(hash));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  BIBIA_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> rows, db_->MultiGet(Family::kChunks, views));
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i] || rows[i]->size() < 16) continue;
    const ChunkInfo info = DecodeInfo(*rows[i]);
    if (info.stored_ms >= offered_before_ms) continue;
    batch.Put(db_->family(Family::kChunks), keys[i], EncodeInfo(info.size, 0));
  }
  if (batch.Count() == 0) return absl::OkStatus();
  // Unlogged like the rows it rewrites: lost in a crash, the grace applies.
  return db_->WriteUnlogged(&batch);
}

absl::Status ChunkStore::Sync() { return db_->Flush(Family::kChunks); }

absl::StatusOr<std::optional<std::string>> ChunkStore::Get(std::string_view sha256, bool verify) const {
  BIBIA_RETURN_IF_ERROR(CheckHash(sha256));
  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> bytes, db_->Get(Family::kChunks, ChunkDataKey(sha256)));
  if (verify && bytes && Sha256(*bytes) != sha256) {
    return absl::DataLossError(absl::StrCat("chunk ", HexPrefix(sha256), "…: the stored bytes do not match its hash"));
  }
  return bytes;
}

absl::StatusOr<uint64_t> ChunkStore::Collect(const absl::flat_hash_set<std::string>& referenced,
                                             int64_t stored_before_ms) {
  absl::MutexLock lock(&put_mu_);
  rocksdb::WriteBatch batch;
  uint64_t collected = 0, bytes = 0;
  int64_t kept_since = INT64_MAX;  // the oldest unreferenced chunk kept for its grace
  const std::string prefix(1, kChunkInfoPrefix);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewScanIterator(Family::kChunks);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const absl::string_view hash(it->key().data() + 1, it->key().size() - 1);
    if (referenced.contains(hash)) continue;
    const ChunkInfo info = DecodeInfo(std::string_view(it->value().data(), it->value().size()));
    if (info.stored_ms >= stored_before_ms) {
      kept_since = std::min(kept_since, info.stored_ms);
      continue;
    }
    StageRemoval(*db_, std::string_view(hash.data(), hash.size()), &batch);
    ++collected;
    bytes += info.size;
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "scan chunks"));
  if (collected > 0) BIBIA_RETURN_IF_ERROR(db_->Write(&batch));
  stored_bytes_ -= std::min(bytes, stored_bytes_.load());
  unreferenced_since_ms_ = kept_since;
  return collected;
}

absl::Status ChunkStore::EraseDeleted() {
  absl::MutexLock lock(&erase_mu_);
  // Chunk bytes are written without the write-ahead log: only the memtable
  // and the files of this family ever held them.
  BIBIA_RETURN_IF_ERROR(db_->Flush(Family::kChunks));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  compact.blob_garbage_collection_policy = rocksdb::BlobGarbageCollectionPolicy::kForce;
  compact.blob_garbage_collection_age_cutoff = 1.0;
  return FromRocks(db_->raw()->CompactRange(compact, db_->family(Family::kChunks), nullptr, nullptr),
                   "compact chunks to erase deleted ones");
}

absl::StatusOr<ChunkStore::VerifyPage> ChunkStore::Verify(std::string_view start_after, uint64_t max_bytes,
                                                          size_t max_listed) {
  constexpr uint64_t kMaxChunksPerPage = 16384;
  if (!start_after.empty() && start_after.size() != kHashBytes) {
    return absl::InvalidArgumentError(absl::StrCat("start_after: ", start_after.size(),
                                                   " bytes, not a SHA-256 (32); pass the last reply's"
                                                   " next_start_after"));
  }
  VerifyPage page;
  std::vector<std::string> damaged;
  const auto damage = [&](std::string_view hash, std::string reason) {
    ++page.damaged;
    damaged.emplace_back(hash);
    if (page.listed.size() < max_listed) page.listed.emplace_back(std::string(hash), std::move(reason));
  };
  const std::string prefix(1, kChunkInfoPrefix);
  const std::string seek = start_after.empty() ? prefix : ChunkInfoKey(start_after);
  // The small info rows list the chunks; each chunk's bytes are then read on
  // their own, so that one unreadable blob does not end the scan.
  std::unique_ptr<rocksdb::Iterator> it = db_->NewScanIterator(Family::kChunks);
  for (it->Seek(seek); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key() == rocksdb::Slice(seek) && !start_after.empty()) continue;
    const std::string hash(it->key().data() + 1, it->key().size() - 1);
    const std::string_view info(it->value().data(), it->value().size());
    const uint64_t recorded = DecodeInfo(info).size;
    if (page.checked >= kMaxChunksPerPage || page.bytes >= max_bytes) break;
    page.next_start_after = hash;
    ++page.checked;
    absl::StatusOr<std::optional<std::string>> bytes = Get(hash, /*verify=*/false);
    if (!bytes.ok()) {
      if (!absl::IsDataLoss(bytes.status())) return bytes.status();
      damage(hash, absl::StrCat("unreadable: ", bytes.status().message()));
      continue;
    }
    if (!bytes->has_value()) {
      // Collected since the scan began (both rows go together), or damaged.
      absl::MutexLock lock(&put_mu_);
      BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> row, db_->Get(Family::kChunks, ChunkInfoKey(hash)));
      if (!row) {
        --page.checked;
        continue;
      }
      BIBIA_ASSIGN_OR_RETURN(*bytes, db_->Get(Family::kChunks, ChunkDataKey(hash)));
      if (!bytes->has_value()) {
        damage(hash, "its bytes are missing");
        continue;
      }
    }
    page.bytes += (*bytes)->size();
    if ((*bytes)->size() != recorded) {
      damage(hash, absl::StrCat((*bytes)->size(), " bytes, ", recorded, " recorded"));
    } else if (Sha256(**bytes) != hash) {
      damage(hash, "its bytes do not match its SHA-256");
    }
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "scan chunks"));
  if (!it->Valid() || !it->key().starts_with(prefix)) page.next_start_after.clear();
  if (damaged.empty()) return page;
  // Removed as Collect removes: both rows, the total kept exact.
  absl::MutexLock lock(&put_mu_);
  std::vector<std::string> keys;
  for (const std::string& hash : damaged) keys.push_back(ChunkInfoKey(hash));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  BIBIA_ASSIGN_OR_RETURN(auto rows, db_->MultiGet(Family::kChunks, views));
  rocksdb::WriteBatch batch;
  uint64_t removed_bytes = 0;
  for (size_t i = 0; i < damaged.size(); ++i) {
    if (!rows[i]) continue;  // collected meanwhile
    StageRemoval(*db_, damaged[i], &batch);
    removed_bytes += DecodeInfo(*rows[i]).size;
  }
  if (batch.Count() == 0) return page;
  BIBIA_RETURN_IF_ERROR(db_->Write(&batch));
  stored_bytes_ -= std::min(removed_bytes, stored_bytes_.load());
  return page;
}

}  // namespace bibia::catalog
