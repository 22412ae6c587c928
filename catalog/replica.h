// A catalogue's side of federation: what a node sends its peers (its
// frontier, the entries of its logs) and what it does with what it receives
// (verify a run, then apply it). Implemented by Store (catalog/store.h); the
// design is in docs/replication.md, the ownership rules in docs/ownership.md.
#ifndef BIBIA_CATALOG_REPLICA_H_
#define BIBIA_CATALOG_REPLICA_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "bibia/v1/federation.pb.h"
#include "catalog/remote_run.h"
#include "catalog/signer.h"

namespace bibia::catalog {

class Replica {
 public:
  virtual ~Replica() = default;

  // Sending. Thread-safe.

  // This node's frontier: for every (origin, tier) it holds, the last seq.
  virtual absl::StatusOr<std::vector<v1::FrontierEntry>> Frontier() const = 0;
  // Entries of (origin, tier) after `after_seq`, in order, at least
  // `min_entries` if there are that many, and always ending at a signed entry
  // (or at the end of the log).
  virtual absl::StatusOr<std::vector<v1::LogEntry>> ReadLog(const std::string& origin, v1::Tier tier,
                                                            uint64_t after_seq, size_t min_entries) const = 0;
  // The same entries as the log family stores them, unparsed (what a peer
  // is sent); `last_seq` gets the seq of the last one. Stops early, at the
  // first entry that could end a run, once `max_bytes` are read.
  virtual absl::StatusOr<std::vector<std::string>> ReadLogSerialized(const std::string& origin, v1::Tier tier,
                                                                     uint64_t after_seq, size_t min_entries,
                                                                     uint64_t* last_seq,
                                                                     size_t max_bytes = SIZE_MAX) const = 0;

  // Receiving.

  // Checks a run on its own (see VerifiedRun): chain, payload hashes, that
  // `verifier` accepts the signature of the last entry, that each payload is a
  // record of its key's kind. An entry whose payload was erased must be
  // followed in the same run by the redaction of its record (senders extend
  // runs to include it), so a relay cannot pass off a stripped payload as a
  // redacted one. Entries of a tier above `max_tier` (this node's roster
  // tier) or claiming this node as origin are refused. Takes no lock: runs
  // can be verified while another is applied. DATA_LOSS / UNAUTHENTICATED /
  // PERMISSION_DENIED / FAILED_PRECONDITION name the bad entry.
  virtual absl::StatusOr<VerifiedRun> VerifyRemote(std::vector<v1::LogEntry> entries,
                                                   const SignatureVerifier& verifier,
                                                   v1::Tier max_tier = v1::TIER_EXPERT) const = 0;
  // The same for entries serialized as received (each as the log family
  // stores it): what a receiver verifies, hashes and stores are those bytes.
  virtual absl::StatusOr<VerifiedRun> VerifyRemote(std::vector<std::string> serialized,
                                                   const SignatureVerifier& verifier,
                                                   v1::Tier max_tier = v1::TIER_EXPERT) const = 0;
  // Applies a verified run to records, index and frontier in one WriteBatch.
  // Entries at or below the frontier are skipped; the rest must continue the
  // stored chain (next seq, prev_hash of the stored head), or DATA_LOSS and
  // nothing is written. Returns how many entries were applied.
  virtual absl::StatusOr<int64_t> ApplyVerified(const VerifiedRun& run) = 0;
  // The same for several runs, in order, in one WriteBatch (group commit: a
  // receiver with runs waiting writes and syncs once); a run holding a
  // redaction is committed apart. Per run: how many entries were applied, or
  // why not. A run that does not continue its chain is left out and the
  // others apply; a failed write fails every run of its batch. The runs are
  // left to the caller to free (freeing thousands of entries takes time a
  // receiver may prefer to spend on another thread).
  virtual std::vector<absl::StatusOr<int64_t>> ApplyVerified(absl::Span<const VerifiedRun> runs) = 0;
  // VerifyRemote then ApplyVerified: entries of another origin, one (origin,
  // tier), in seq order, the last one signed. Returns how many were applied.
  virtual absl::StatusOr<int64_t> ApplyRemote(std::vector<v1::LogEntry> entries, const SignatureVerifier& verifier,
                                              v1::Tier max_tier = v1::TIER_EXPERT) = 0;

  // What HoldTiersUpTo removed.
  struct DroppedHoldings {
    int64_t logs = 0;     // (origin, tier) logs
    int64_t entries = 0;  // their entries
    int64_t records = 0;  // records whose values they held
  };
  // Makes `tier` the highest tier of other origins this node holds (its
  // roster tier): drops, in one WriteBatch, every log of another origin above
  // it with its entries, the records they hold and their frontier, then
  // flushes and compacts so that the payloads leave the files too; from then
  // on ApplyVerified skips runs above it (0 applied: a sync that began
  // before the change). This node's own logs stay. A tier raised again is
  // pulled from scratch. Called on every roster change and at start;
  // idempotent, and a scan of the frontier only when nothing is above `tier`.
  virtual absl::StatusOr<DroppedHoldings> HoldTiersUpTo(v1::Tier tier) = 0;
  // How many times HoldTiersUpTo dropped logs since the store opened (see
  // VerifiedRun::set_sync_drop_generation).
  virtual uint64_t drop_generation() const = 0;

  // Called after every committed write (local or replicated), under the
  // writer lock: it must only signal (e.g. wake a thread), never block.
  virtual void SetWriteListener(std::function<void()> listener) = 0;
  // Replicated entries not applied because another origin owns the record.
  virtual int64_t conflicts() const = 0;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_REPLICA_H_
