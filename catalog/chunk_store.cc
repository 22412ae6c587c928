#include "catalog/chunk_store.h"

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

std::string EncodeInfo(uint64_t size, int64_t stored_ms) {
  std::string value;
  AppendBigEndian64(&value, size);
  AppendBigEndian64(&value, static_cast<uint64_t>(stored_ms));
  return value;
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
    if (it->value().size() >= 8) total += DecodeBigEndian64(std::string_view(it->value().data(), 8));
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
  return result;
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
  rocksdb::ColumnFamilyHandle* family = db_->family(Family::kChunks);
  uint64_t collected = 0, bytes = 0;
  const std::string prefix(1, kChunkInfoPrefix);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewScanIterator(Family::kChunks);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const absl::string_view hash(it->key().data() + 1, it->key().size() - 1);
    if (referenced.contains(hash)) continue;
    const std::string_view info(it->value().data(), it->value().size());
    if (info.size() >= 16 && static_cast<int64_t>(DecodeBigEndian64(info.substr(8))) >= stored_before_ms) continue;
    batch.Delete(family, it->key());
    batch.Delete(family, ChunkDataKey(std::string_view(hash.data(), hash.size())));
    ++collected;
    if (info.size() >= 8) bytes += DecodeBigEndian64(info);
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "scan chunks"));
  if (collected == 0) return collected;
  BIBIA_RETURN_IF_ERROR(db_->Write(&batch));
  stored_bytes_ -= std::min(bytes, stored_bytes_.load());
  return collected;
}

}  // namespace bibia::catalog
