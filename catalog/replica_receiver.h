// The receiving side of replication: checks a run of another origin's log
// entries on its own (VerifyRemote, no lock), then applies verified runs
// (ApplyVerified): their log entries, records, search index and frontier in
// one WriteBatch, several runs in one when they wait together (group
// commit). The ownership rules (ownership_rules.h) decide each entry: a
// facet whose origin does not own its project here is held aside under its
// origin, and the earliest claim of a project id owns it, whatever order the
// logs arrive in. Store owns one and serves Replica's receiving calls
// through it (replica.h states their contract); the reasoning is in
// docs/replication.md ("Receiving") and docs/ownership.md.
#ifndef BIBIA_CATALOG_REPLICA_RECEIVER_H_
#define BIBIA_CATALOG_REPLICA_RECEIVER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "bibia/v1/federation.pb.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/db.h"
#include "catalog/keys.h"
#include "catalog/log_writer.h"
#include "catalog/ownership_rules.h"
#include "catalog/remote_run.h"
#include "catalog/search_index.h"
#include "catalog/signer.h"

namespace bibia::catalog {

struct RemoteGroup;

class ReplicaReceiver {
 public:
  // What a committed group leaves the store to do (Context::committed).
  struct Committed {
    int64_t hlc = 0;             // the latest entry time applied
    int64_t feedback_delta = 0;  // feedback records added, less those removed
    // Projects whose public facet the group deleted: this node's own
    // feedback on them goes too (in a write of its own log).
    const std::vector<std::string>& deleted_projects;
    bool manifests_changed = false;  // an artifact manifest was put or deleted
  };
  // The parts of the store the receiver works with; they outlive it.
  struct Context {
    Db* db = nullptr;
    SearchIndex* index = nullptr;
    std::string node_id;              // this node: entries of its origin are refused
    absl::Mutex* write_mu = nullptr;  // the store's writer lock
    // Under the writer lock: stages the marker that has the payloads a
    // redaction of `tier` removed scrubbed out of the files.
    std::function<absl::Status(v1::Tier tier, rocksdb::WriteBatch* batch)> stage_scrub_marker;
    // Under the writer lock, once a group's batch is written and its index
    // changes visible.
    std::function<absl::Status(const Committed& group)> committed;
    // Without the writer lock, after a call that applied redactions: scrubs
    // their erased payloads out of the files.
    std::function<absl::Status()> scrub;
  };

  explicit ReplicaReceiver(Context context);
  ReplicaReceiver(const ReplicaReceiver&) = delete;
  ReplicaReceiver& operator=(const ReplicaReceiver&) = delete;

  // Replica's receiving calls (replica.h), which Store forwards here.
  absl::StatusOr<VerifiedRun> VerifyRemote(std::vector<v1::LogEntry> entries, const SignatureVerifier& verifier,
                                           v1::Tier max_tier) const;
  absl::StatusOr<VerifiedRun> VerifyRemote(std::vector<std::string> serialized, const SignatureVerifier& verifier,
                                           v1::Tier max_tier) const;
  // Take the writer lock.
  absl::StatusOr<int64_t> ApplyVerified(const VerifiedRun& run) ABSL_LOCKS_EXCLUDED(write_mu_);
  std::vector<absl::StatusOr<int64_t>> ApplyVerified(absl::Span<const VerifiedRun> runs)
      ABSL_LOCKS_EXCLUDED(write_mu_);
  absl::StatusOr<int64_t> ApplyRemote(std::vector<v1::LogEntry> entries, const SignatureVerifier& verifier,
                                      v1::Tier max_tier) ABSL_LOCKS_EXCLUDED(write_mu_);
  // Entries not applied because another origin owns their record.
  int64_t conflicts() const { return conflicts_.load(); }

  // The tiers held (Store::HoldTiersUpTo), under the writer lock.

  // Runs of a tier above `tier` are skipped from now on (0 applied).
  void set_held_tier(v1::Tier tier) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) { held_tier_ = tier; }
  // The logs of `frontier_keys` (FrontierKey) were dropped: a run of one of
  // them from a sync that began before (VerifiedRun::set_sync_drop_generation)
  // no longer joins it, and is skipped as stale instead of rejected.
  void LogsDropped(std::vector<std::string> frontier_keys) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // How many times LogsDropped was called.
  uint64_t drop_generation() const { return drop_generation_.load(); }

  // Facets held aside, as the store's own writes meet them; under the
  // writer lock.

  // Reads which projects have facets held aside (once, as the store opens).
  absl::Status LoadAsideIds() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The store holds a facet of project `id` aside in a write of its own.
  void NoteAside(std::string_view id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Of project `id`'s public facets held aside (as `group` leaves them),
  // makes the earliest claim (ClaimsBefore) the project, with its origin's
  // other facets held aside: what the owner's deletion leaves, here as on
  // every replica. Returns its record, or null if none is held aside.
  absl::StatusOr<const v1::StoredRecord*> PromoteEarliestClaim(std::string_view id, RemoteGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

 private:
  struct IndexOp;
  struct RecordState;

  // Where `run` joins its stored log (as `group` leaves it): the index of its
  // first entry not yet applied. DATA_LOSS if it leaves a gap or forks.
  absl::StatusOr<size_t> JoinRun(const VerifiedRun& run, RemoteGroup* group) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // DATA_LOSS unless entry `i` of `run`, at or below `head`, is the entry
  // stored under its seq (a fork otherwise, which the chain alone misses).
  absl::Status CheckSameAsStored(const VerifiedRun& run, size_t i, const LogHead& head) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Reads in one batch the stored references of the keys `run` writes from
  // `start` that `group` has not staged, for StageChange.
  absl::Status PrefetchStoredRefs(const VerifiedRun& run, size_t start, RemoteGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages `run`'s entries from `start` into `group`'s batch.
  absl::Status StageRun(const VerifiedRun& run, size_t start, RemoteGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Writes `group`'s batch with its frontiers, makes it visible and tells
  // the store (Context::committed).
  absl::Status CommitGroup(RemoteGroup* group) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // True if `origin` owns the project whose restricted or expert facet is
  // `facet_key` (its public facet, as `group` leaves it so far or as stored).
  absl::StatusOr<bool> OwnsProject(std::string_view origin, std::string_view facet_key,
                                   const RemoteGroup& group) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Reads into `state` the record replicated entry `item` changes, as
  // `group` leaves it or as stored, and checks a public facet keeps its claim.
  absl::Status ReadState(const VerifiedRun::Item& item, RemoteGroup* group, RecordState* state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The ownership decision (ownership_rules.h) for `item` given `state`;
  // reads what else it needs (the holder's claim, the project's owner).
  absl::StatusOr<OwnershipDecision> Decide(const VerifiedRun::Item& item, RecordState* state, RemoteGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Holds public facet `key`'s owner in `state` aside with its restricted
  // and expert facets: an earlier claim takes the project's place.
  absl::Status TakeOverClaim(std::string_view key, const RecordState& state, RemoteGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages `item` where the project's records are (its origin's own record
  // now), and sets `index_op` to what it does to the search index.
  absl::Status StageOwnChange(const VerifiedRun::Item& item, const RecordState& state, RemoteGroup* group,
                              std::optional<IndexOp>* index_op) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages one replicated entry's change to records and counters into
  // `group`, and sets `index_op` to what it does to the search index.
  absl::Status StageChange(const VerifiedRun::Item& item, RemoteGroup* group, std::optional<IndexOp>* index_op)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages the index changes `ops` of `run` (grouped by term if `all_new`).
  void StageIndex(const VerifiedRun& run, const std::vector<IndexOp>& ops, bool all_new, IndexChanges* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Facets held aside (facets_aside.cc).

  // Holds `item` (a facet whose record another origin holds here) aside
  // under its origin (AsideKey).
  void StageAside(const VerifiedRun::Item& item, RemoteGroup* group) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Holds the facet `ref` names (`origin`'s, of `kind`, project `id`) aside.
  // `record`: its value, if the group has it (a public facet needs it: its
  // claim is read, and it may be promoted in this group); else a stand-in.
  void HoldAside(RecordKind kind, std::string_view id, std::string_view origin, std::string ref, RemoteGroup* group,
                 const v1::StoredRecord* record = nullptr) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Fails unless public facet `item` claims its project id when its origin's
  // facet before it did (`own`, where the project's facets are, else the one
  // held aside): a claim changes only with a deletion, or which member owns
  // the id would depend on the order the logs arrived in.
  absl::Status CheckClaimKept(const VerifiedRun::Item& item, const v1::StoredRecord* own, RemoteGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // A record the group keeps, standing for the one `ref` names: its origin and seq alone.
  static const v1::StoredRecord* OwnerOf(std::string_view ref, RemoteGroup* group);
  // Makes `origin`'s facets of project `id` held aside its project's facets.
  absl::Status PromoteAsides(std::string_view origin, std::string_view id, RemoteGroup* group)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // True if project `id` has (or had) facets held aside.
  bool MayHoldAside(std::string_view id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    return !aside_ids_.empty() && aside_ids_.contains(absl::string_view(id.data(), id.size()));
  }

  Db* const db_;
  SearchIndex* const index_;
  const std::string node_id_;
  absl::Mutex& write_mu_;
  const std::function<absl::Status(v1::Tier, rocksdb::WriteBatch*)> stage_scrub_marker_;
  const std::function<absl::Status(const Committed&)> committed_;
  const std::function<absl::Status()> scrub_;

  v1::Tier held_tier_ ABSL_GUARDED_BY(write_mu_) = v1::TIER_EXPERT;  // see set_held_tier
  // Frontier keys of the logs dropped since the store opened, with the
  // drop_generation_ each was last dropped at.
  absl::flat_hash_map<std::string, uint64_t> dropped_logs_ ABSL_GUARDED_BY(write_mu_);
  std::atomic<uint64_t> drop_generation_{0};
  // Projects that have (or had: never pruned, a stale id costs one read)
  // facets held aside, so that applying a public facet reads no aside key
  // of a project without any.
  absl::flat_hash_set<std::string> aside_ids_ ABSL_GUARDED_BY(write_mu_);
  std::atomic<int64_t> conflicts_{0};
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_REPLICA_RECEIVER_H_
