// This node's per-tier logs (DESIGN.md "Logs"): each write gets the next seq
// of its (origin, tier), a hybrid logical clock time and the hash of the
// previous entry; the last entry of each tier in a write batch is signed with
// the node's key, vouching through the chain for the entries before it.
#ifndef BIBIA_CATALOG_LOG_WRITER_H_
#define BIBIA_CATALOG_LOG_WRITER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/clock.h"
#include "catalog/db.h"
#include "catalog/signer.h"

namespace bibia::catalog {

// SHA-256 of `bytes` (32 raw bytes).
std::string Sha256(std::string_view bytes);

// The hash that chains and signatures cover: SHA-256 of the entry serialized
// without its payload and signature (payload_hash stands for the payload).
std::string EntryHash(const v1::LogEntry& entry);

// SHA-256 of the concatenation of `pieces`.
std::string Sha256OfPieces(absl::Span<const std::string_view> pieces);

// EntryHash of the entry `serialized` encodes (as SerializeAsString writes
// it), without parsing it into a message: the payload and signature fields
// are left out of what is hashed. DATA_LOSS unless ParseLogEntryView reads it.
absl::StatusOr<std::string> EntryHashOfSerialized(std::string_view serialized);

// The head of one (origin, tier) log: its last seq and that entry's hash.
struct LogHead {
  uint64_t seq = 0;
  std::string hash;  // empty before the first entry
};

// Reads the head of (origin, tier) from the frontier and log families.
absl::StatusOr<LogHead> ReadLogHead(const Db& db, std::string_view origin, v1::Tier tier);

// Log state staged by one write batch; becomes current after it committed.
struct LogChanges {
  std::array<LogHead, 4> heads;  // by tier
  std::array<std::optional<v1::LogEntry>, 4> last;  // last staged entry per tier, to sign
  int64_t hlc = 0;
  bool touched = false;
};

class LogWriter {
 public:
  // Reads the heads of `origin`'s logs. `db`, `clock` and `signer` (may be
  // null: entries stay unsigned, for tools and tests) must outlive it.
  static absl::StatusOr<std::unique_ptr<LogWriter>> Load(Db* db, std::string origin, Clock* clock,
                                                         const Signer* signer);

  // Starts staging a batch from the current heads.
  LogChanges Begin() const;

  // Appends the entry for `key` in `tier`'s log to `batch` (log and frontier
  // families): `payload` is the new record bytes, or null for a tombstone.
  // `redaction` makes it a redaction entry (payload: the current value).
  // Returns the seq given to the entry. REQUIRES: writers are serialised.
  uint64_t Stage(v1::Tier tier, std::string_view key, const std::string* payload, LogChanges* changes,
                 rocksdb::WriteBatch* batch, bool redaction = false) const;

  // Takes the next hybrid logical clock time for `changes`: every entry
  // staged after it gets a later one, whatever the wall clock does meanwhile.
  int64_t TakeHlc(LogChanges* changes) const;

  // Signs the last staged entry of each tier (rewriting it in `batch`). Call
  // once, after the last Stage of the batch.
  void Finalize(LogChanges* changes, rocksdb::WriteBatch* batch) const;

  // Makes staged heads current once their batch committed.
  void Commit(const LogChanges& changes);

  const std::string& origin() const { return origin_; }
  uint64_t seq(v1::Tier tier) const { return heads_[tier].seq; }
  // Raises the clock past `hlc` (an entry seen from another node).
  void Observe(int64_t hlc) { hlc_ = std::max(hlc_, hlc); }

 private:
  LogWriter(Db* db, std::string origin, Clock* clock, const Signer* signer)
      : db_(db), origin_(std::move(origin)), clock_(clock), signer_(signer) {}

  Db* const db_;
  const std::string origin_;
  Clock* const clock_;
  const Signer* const signer_;
  std::array<LogHead, 4> heads_;
  int64_t hlc_ = 0;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_LOG_WRITER_H_
