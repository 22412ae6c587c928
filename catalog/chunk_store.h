// The node's content-addressed chunk store (docs/artifacts.md): chunk bytes
// keyed by SHA-256 in the chunks family, each stored once whatever how many
// artifacts, versions or projects share it. Knows nothing of manifests; the
// CatalogStore decides which chunks are referenced.
#ifndef BIBIA_CATALOG_CHUNK_STORE_H_
#define BIBIA_CATALOG_CHUNK_STORE_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "catalog/clock.h"
#include "catalog/db.h"

namespace bibia::catalog {

// Largest chunk the store accepts (the chunker's maximum is 256 KiB; chunk
// lists are cut into pieces of at most this).
inline constexpr size_t kMaxStoredChunk = 1 << 20;

class ChunkStore {
 public:
  // `db` and `clock` must outlive it. `max_bytes`: quota on the bytes of
  // chunks stored (0: none). Reads the stored total (one scan of the small
  // info rows).
  static absl::StatusOr<std::unique_ptr<ChunkStore>> Open(Db* db, Clock* clock, uint64_t max_bytes);

  // For each of `hashes` (32 bytes each), whether the store has it.
  // INVALID_ARGUMENT for a hash that is not 32 bytes. Thread-safe.
  absl::StatusOr<std::vector<bool>> Has(absl::Span<const std::string_view> hashes) const;

  struct PutResult {
    uint64_t stored = 0;   // chunks new to the store
    uint64_t bytes = 0;    // their bytes
    uint64_t present = 0;  // chunks it already had (their time is refreshed)
  };
  // Re-hashes every chunk (hash, bytes) and stores those it lacks, in one
  // WriteBatch: durable on return if `sync`, else once Sync() returned
  // (written without the write-ahead log: chunks are written once, and a
  // crash before Sync loses only chunks no manifest references yet). INVALID_ARGUMENT naming the first chunk
  // whose bytes do not match its hash, or one larger than kMaxStoredChunk;
  // RESOURCE_EXHAUSTED past the quota or the disk reserve: nothing stored.
  // Thread-safe.
  absl::StatusOr<PutResult> Put(absl::Span<const std::pair<std::string_view, std::string_view>> chunks, bool sync);

  // The bytes of chunk `sha256`, or nullopt if absent. If `verify`, checked
  // against it (DATA_LOSS if they do not match: a damaged store); otherwise
  // only RocksDB's blob checksum guards them (serving: the client checks
  // every chunk itself). Thread-safe.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view sha256, bool verify = true) const;

  // Deletes every chunk not in `referenced` that was stored (or last
  // offered) before `stored_before_ms`; returns how many. The caller keeps
  // `referenced` current while this runs (it holds the catalogue's writer
  // lock), so that a chunk committed meanwhile is not lost.
  absl::StatusOr<uint64_t> Collect(const absl::flat_hash_set<std::string>& referenced, int64_t stored_before_ms);

  // Removes the bytes of deleted chunks from the database files: flushes
  // the chunks family and compacts it whole with blob garbage collection
  // forced, which rewrites every blob file still holding a live chunk and
  // deletes the old files (a rewrite of every stored chunk). Runs beside
  // uploads; one at a time.
  absl::Status EraseDeleted();

  // The earliest time a chunk may have been stored (or last offered) that
  // was not referenced at the last Collect and is still stored: Collect
  // frees nothing before this plus the grace, unless references changed.
  // INT64_MIN before the first Collect, INT64_MAX if there is none.
  int64_t unreferenced_since_ms() const { return unreferenced_since_ms_.load(); }

  struct VerifyPage {
    uint64_t checked = 0;  // chunks read and re-hashed
    uint64_t bytes = 0;    // their bytes
    uint64_t damaged = 0;  // found damaged, and removed
    std::vector<std::pair<std::string, std::string>> listed;  // (sha256, reason) of the first max_listed damaged
    std::string next_start_after;  // the last chunk checked; empty once the last page is done
  };
  // Re-hashes the chunks after `start_after` (32 bytes, or empty for the
  // first) in hash order, one at a time, until `max_bytes` of them were read
  // or 16,384 chunks. A chunk whose bytes cannot be read (RocksDB's checksum),
  // are missing, are not of the recorded size or do not match its hash is
  // damaged: removed from the store (a later upload stores it again).
  // Runs beside uploads. INVALID_ARGUMENT for a `start_after` that is not a hash.
  absl::StatusOr<VerifyPage> Verify(std::string_view start_after, uint64_t max_bytes, size_t max_listed);

  // Lifts the grace of the stored chunks among `hashes` last offered before
  // `offered_before_ms`: a manifest that referenced them was deleted (or a
  // held manifest they were fetched for references them), so no upload in
  // progress waits for them, and a collection deletes them as soon as no
  // manifest references them. A chunk offered since keeps its grace.
  absl::Status ReleaseGrace(absl::Span<const std::string_view> hashes, int64_t offered_before_ms);

  // Makes every chunk stored so far durable (flushes the chunks family):
  // uploads write unsynced and sync once at the end of their stream.
  absl::Status Sync();

  // Bytes of chunk data stored.
  uint64_t stored_bytes() const { return stored_bytes_.load(); }

 private:
  ChunkStore(Db* db, Clock* clock, uint64_t max_bytes) : db_(db), clock_(clock), max_bytes_(max_bytes) {}

  Db* const db_;
  Clock* const clock_;
  const uint64_t max_bytes_;
  absl::Mutex put_mu_;  // one Put, Collect or removal at a time: the total stays exact
  absl::Mutex erase_mu_;  // one EraseDeleted at a time
  std::atomic<uint64_t> stored_bytes_{0};
  std::atomic<int64_t> unreferenced_since_ms_{INT64_MIN};  // written under put_mu_
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_CHUNK_STORE_H_
