#include "catalog/replica_receiver.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "catalog/log_entry_view.h"
#include "catalog/log_writer.h"
#include "catalog/payload_drops.h"
#include "catalog/ownership_rules.h"
#include "catalog/records.h"
#include "catalog/remote_group.h"
#include "catalog/status_macros.h"
#include "catalog/store_batch.h"
#include "catalog/validate.h"

namespace bibia::catalog {
namespace {

bool ValueMatchesKind(const v1::StoredRecord& record, char kind) {
  switch (static_cast<RecordKind>(kind)) {
    case RecordKind::kPublic: return record.has_public_();
    case RecordKind::kRestricted: return record.has_restricted();
    case RecordKind::kExpert: return record.has_expert();
    case RecordKind::kFeedback: return record.has_feedback();
    case RecordKind::kRevocation: return record.has_revocation();
    case RecordKind::kArtifact: return record.has_artifact();
    case RecordKind::kPublicAside:
    case RecordKind::kRestrictedAside:
    case RecordKind::kExpertAside: break;
  }
  return false;
}

absl::Status BadEntry(const LogEntryView& e, std::string_view problem) {
  return absl::DataLossError(DescribeEntry(e, problem));
}

// Checks that the items' entries (one origin and tier, the caller checked
// the first) form a chain: consecutive seqs, each prev_hash the hash of the
// entry before, payloads matching their hashes, erased payloads vouched for
// by a later redaction. Sets the first entry's prev_hash and the last entry's
// hash, which are taken from the bytes as received: what is hashed is what
// the log family will store.
absl::Status CheckChain(const std::vector<std::string>& serialized, const std::vector<VerifiedRun::Item>& items,
                        std::string* first_prev_hash, std::string* last_hash) {
  const LogEntryView& first = items.front().entry;
  *first_prev_hash = std::string(first.prev_hash);
  std::string hash = *first_prev_hash;
  uint64_t seq = first.seq - 1;
  absl::flat_hash_set<std::string> awaiting;
  for (size_t i = 0; i < items.size(); ++i) {
    const LogEntryView& e = items[i].entry;
    TrackErased(e, &awaiting);
    if (e.origin != first.origin || e.tier != first.tier) return BadEntry(e, "mixes origins or tiers");
    if (e.seq != seq + 1) return BadEntry(e, absl::StrCat("expected seq ", seq + 1, " (an entry is missing)"));
    if (e.prev_hash != hash) return BadEntry(e, "prev_hash does not continue the chain");
    if (!e.payload.empty() && Sha256(e.payload) != e.payload_hash) {
      return BadEntry(e, "payload does not match its hash (altered)");
    }
    hash = EntryHashOfView(serialized[i], e);
    seq = e.seq;
  }
  if (!awaiting.empty()) {
    return absl::DataLossError(absl::StrCat("entries ", std::string(first.origin), "/", v1::Tier_Name(first.tier),
                                            ": a payload is missing and no later redaction of its record holds the value"));
  }
  *last_hash = std::move(hash);
  return absl::OkStatus();
}

// Everything entry `item` (in `slot` of its run) needs before the writer
// lock: its parsed record (on `arena`) and, for a public facet, its search
// terms (into `grouped`). Checks that the payload is a record of its key's kind.
absl::Status PrepareItem(google::protobuf::Arena* arena, uint32_t slot, VerifiedRun::Item* item,
                         GroupedTerms* grouped) {
  const LogEntryView& e = item->entry;
  const std::string_view key = e.key;
  if (key.size() < 2 || TierOfRecordKind(key[0]) != e.tier) return BadEntry(e, "key does not belong to the entry's tier");
  const RecordKind kind = static_cast<RecordKind>(key[0]);
  if ((kind == RecordKind::kPublic || kind == RecordKind::kRestricted || kind == RecordKind::kExpert) &&
      !IsValidProjectId(key.substr(1))) {
    // A facet's key is a project id: one with a '/' would reach into the
    // keys facets are held aside under (AsideKey).
    return BadEntry(e, "key is not a facet of a valid project id");
  }
  if (e.payload.empty()) return absl::OkStatus();
  auto* record = google::protobuf::Arena::CreateMessage<v1::StoredRecord>(arena);
  item->record = record;
  if (!record->ParseFromArray(e.payload.data(), static_cast<int>(e.payload.size())) ||
      !ValueMatchesKind(*record, key[0])) {
    return BadEntry(e, "payload is not a record of its key's kind");
  }
  if (static_cast<RecordKind>(key[0]) == RecordKind::kPublic) {
    if (record->public_().id() != key.substr(1) || !IsValidProjectId(record->public_().id())) {
      return BadEntry(e, "public facet id does not match its key");
    }
    // A claim is made by the entry that creates the project, or before it.
    if (record->claimed_hlc() < 0 || record->claimed_hlc() > e.hlc_time) {
      return BadEntry(e, absl::StrCat("claims its project id from ", record->claimed_hlc(),
                                      ", not between 0 and the entry's own time ", e.hlc_time));
    }
    item->length = grouped->AddDocument(slot, record->public_());
  }
  if (static_cast<RecordKind>(key[0]) == RecordKind::kFeedback &&
      (key != FeedbackKey(record->feedback().project_id(), record->feedback().id()) ||
       !IsFeedbackIdOf(record->feedback().id(), e.origin))) {
    // A feedback id names its origin ("<origin>-r<seq>"): no member can take
    // the key of another's feedback before it arrives.
    return BadEntry(e, "a feedback must be under its own key, with an id of its origin");
  }
  if (static_cast<RecordKind>(key[0]) == RecordKind::kRevocation &&
      (record->revocation().issuer() != e.origin ||
       key != RevocationKey(e.origin, record->revocation().token_id()))) {
    // Only a token's issuer revokes it for the whole federation.
    return BadEntry(e, "a revocation must be of a token its origin issued, under its key");
  }
  if (static_cast<RecordKind>(key[0]) == RecordKind::kArtifact &&
      key != ArtifactKey(record->artifact().project_id(), record->artifact().name(), record->artifact().version())) {
    return BadEntry(e, "an artifact manifest must be under its own key");
  }
  record->set_origin(std::string(e.origin));
  record->set_seq(e.seq);
  return absl::OkStatus();
}

}  // namespace

ReplicaReceiver::ReplicaReceiver(Context context)
    : db_(context.db),
      index_(context.index),
      node_id_(std::move(context.node_id)),
      write_mu_(*context.write_mu),
      stage_scrub_marker_(std::move(context.stage_scrub_marker)),
      committed_(std::move(context.committed)),
      scrub_(std::move(context.scrub)) {}

void ReplicaReceiver::LogsDropped(std::vector<std::string> frontier_keys) {
  const uint64_t generation = ++drop_generation_;
  for (std::string& log : frontier_keys) dropped_logs_[std::move(log)] = generation;
}

absl::StatusOr<VerifiedRun> ReplicaReceiver::VerifyRemote(std::vector<v1::LogEntry> entries,
                                                      const SignatureVerifier& verifier, v1::Tier max_tier) const {
  std::vector<std::string> serialized;
  serialized.reserve(entries.size());
  for (const v1::LogEntry& e : entries) serialized.push_back(e.SerializeAsString());
  entries.clear();
  return VerifyRemote(std::move(serialized), verifier, max_tier);
}

absl::StatusOr<VerifiedRun> ReplicaReceiver::VerifyRemote(std::vector<std::string> serialized,
                                                      const SignatureVerifier& verifier, v1::Tier max_tier) const {
  VerifiedRun run;
  if (serialized.empty()) return run;
  run.serialized_ = std::move(serialized);
  run.items_.resize(run.serialized_.size());
  for (size_t i = 0; i < run.serialized_.size(); ++i) {
    absl::StatusOr<LogEntryView> view = ParseLogEntryView(run.serialized_[i]);
    if (!view.ok()) return absl::DataLossError(absl::StrCat("entry ", i + 1, " of a run: ", view.status().message()));
    run.items_[i].entry = *view;
    run.has_redaction_ |= view->redaction;
  }
  const LogEntryView& first = run.items_.front().entry;
  const LogEntryView& last = run.items_.back().entry;
  run.origin_ = std::string(first.origin);
  run.tier_ = first.tier;
  const std::string& origin = run.origin_;
  const v1::Tier tier = run.tier_;
  if (origin == node_id_) {
    return absl::FailedPreconditionError(absl::StrCat("entries claim origin '", origin, "', this node's own"));
  }
  if (!IsValidProjectId(origin) || tier == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(tier)) {
    return absl::DataLossError("entries: malformed origin or tier");
  }
  if (last.signature.empty()) return BadEntry(last, "the last entry of a batch is unsigned");
  if (max_tier != v1::TIER_UNSPECIFIED && tier > max_tier) {
    return absl::PermissionDeniedError(absl::StrCat("entries of tier ", v1::Tier_Name(tier),
                                                    " are above this node's roster tier ", v1::Tier_Name(max_tier)));
  }

  // The chain within the run; how it joins the stored one is ApplyVerified's.
  BIBIA_RETURN_IF_ERROR(CheckChain(run.serialized_, run.items_, &run.first_prev_hash_, &run.last_hash_));
  if (!verifier.Verify(origin, run.last_hash_, last.signature)) {
    return absl::UnauthenticatedError(absl::StrCat("entry ", origin, "/", v1::Tier_Name(tier), "/", last.seq,
                                                   ": signature does not verify with the key of '", origin, "'"));
  }

  // Parsing and tokenizing: most of the work of applying a run, done here,
  // outside the writer lock.
  for (size_t i = 0; i < run.items_.size(); ++i) {
    VerifiedRun::Item& item = run.items_[i];
    BIBIA_RETURN_IF_ERROR(PrepareItem(run.arena_.get(), static_cast<uint32_t>(i), &item, &run.grouped_));
  }
  return run;
}


// What one replicated entry does to the search index: decided while its
// record change is staged, done once its whole run is staged.
struct ReplicaReceiver::IndexOp {
  // kReplace: the entry deleted `old`, and a later claim held aside, `heir`,
  // took its place.
  enum Kind { kNew, kUpsert, kDelete, kReplace } kind = kNew;
  size_t slot = 0;  // the entry's index in its run
  const v1::ProjectPublic* old = nullptr;  // kUpsert, kDelete, kReplace
  const v1::ProjectPublic* heir = nullptr;  // kReplace
};

absl::StatusOr<bool> ReplicaReceiver::OwnsProject(std::string_view origin, std::string_view facet_key,
                                               const RemoteGroup& group) const {
  const RecordKind kind = static_cast<RecordKind>(facet_key[0]);
  if (kind != RecordKind::kRestricted && kind != RecordKind::kExpert) return false;
  const std::string public_key = RecordKey(RecordKind::kPublic, facet_key.substr(1));
  if (auto it = group.staged.find(public_key); it != group.staged.end()) {
    return it->second != nullptr && it->second->origin() == origin;
  }
  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> ref, db_->Get(Family::kRecords, public_key));
  if (!ref) return false;
  BIBIA_ASSIGN_OR_RETURN(std::string_view owner, RefOrigin(*ref, public_key));
  return owner == origin;
}

// The record an entry changes, as the group being staged leaves it so far,
// else as stored: whether it exists, its owner, and for a public facet its
// value (the index replaces the old terms, a claim is compared); other
// values are never read.
struct ReplicaReceiver::RecordState {
  bool exists = false;
  std::string owner;
  const v1::StoredRecord* old = nullptr;
  std::string other_ref;  // the reference of a record another origin holds here
};

absl::Status ReplicaReceiver::ReadState(const VerifiedRun::Item& item, RemoteGroup* group, RecordState* state) {
  const LogEntryView& e = item.entry;
  const std::string_view key = e.key;
  const absl::string_view map_key(key.data(), key.size());
  const bool is_public = static_cast<RecordKind>(key[0]) == RecordKind::kPublic;
  if (auto it = group->staged.find(map_key); it != group->staged.end()) {
    state->old = it->second;
    state->exists = state->old != nullptr;
    if (state->exists) state->owner = state->old->origin();
    if (state->exists && state->owner != e.origin) {
      state->other_ref = RecordRef(state->owner, e.tier, state->old->seq());
    }
  } else {
    std::optional<std::string> ref;
    if (auto found = group->stored_refs.find(map_key); found != group->stored_refs.end()) {
      ref = std::move(found->second);
      group->stored_refs.erase(found);  // staged from now on
    } else {
      BIBIA_ASSIGN_OR_RETURN(ref, db_->Get(Family::kRecords, key));
    }
    if (ref) {
      state->exists = true;
      BIBIA_ASSIGN_OR_RETURN(std::string_view origin, RefOrigin(*ref, key));
      state->owner = std::string(origin);
      if (state->owner != e.origin) state->other_ref = *ref;
      if (is_public && state->owner == e.origin) {
        BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> stored, ReadRecord(*db_, key));
        state->exists = stored.has_value();
        // Kept by the group: the index is staged after the whole run.
        if (state->exists) state->old = &group->read_back.emplace_back(std::move(*stored));
      }
    }
  }
  if (is_public && !e.tombstone && item.record != nullptr) {
    const bool own = state->exists && state->owner == e.origin;
    BIBIA_RETURN_IF_ERROR(CheckClaimKept(item, own ? state->old : nullptr, group));
  }
  return absl::OkStatus();
}

absl::StatusOr<OwnershipDecision> ReplicaReceiver::Decide(const VerifiedRun::Item& item, RecordState* state,
                                                            RemoteGroup* group) {
  const LogEntryView& e = item.entry;
  const std::string_view key = e.key;
  EntryFacts facts;
  facts.kind = static_cast<RecordKind>(key[0]);
  facts.payload = e.tombstone              ? EntryPayload::kTombstone
                  : item.record == nullptr ? EntryPayload::kErased
                                           : EntryPayload::kValue;
  facts.holder = !state->exists                ? RecordHolder::kNone
                 : state->owner == e.origin ? RecordHolder::kOrigin
                                             : RecordHolder::kOther;
  if (NeedsClaimOrder(facts.kind, facts.payload, facts.holder)) {
    if (state->old == nullptr) {
      BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> stored, ReadRecord(*db_, key));
      if (!stored) {
        return absl::DataLossError(
            absl::StrCat("record '", absl::string_view(key.data(), key.size()), "' names no value"));
      }
      state->old = &group->read_back.emplace_back(std::move(*stored));
    }
    facts.claims_earlier = ClaimsBefore(*item.record, *state->old);
  }
  if (NeedsProjectOwner(facts.kind, facts.holder)) {
    BIBIA_ASSIGN_OR_RETURN(facts.origin_owns_project, OwnsProject(e.origin, key, *group));
  }
  return DecideRemoteEntry(facts);
}

absl::Status ReplicaReceiver::TakeOverClaim(std::string_view key, const RecordState& state, RemoteGroup* group) {
  // The owner until now is held aside, with its record (should this group
  // promote it back), and the entry takes its place.
  const std::string& owner = state.owner;
  HoldAside(RecordKind::kPublic, key.substr(1), owner, state.other_ref, group, state.old);
  // Its other facets go aside with it: a claim held aside has all its
  // facets there (its origin redacts or withdraws them there).
  for (RecordKind facet : {RecordKind::kRestricted, RecordKind::kExpert}) {
    const std::string& facet_key = group->keys.emplace_back(RecordKey(facet, key.substr(1)));
    const absl::string_view facet_map_key(facet_key.data(), facet_key.size());
    std::optional<std::string> ref;
    if (auto it = group->staged.find(facet_map_key); it != group->staged.end()) {
      if (it->second != nullptr && it->second->origin() == owner) {
        ref = RecordRef(owner, TierOfRecordKind(static_cast<char>(facet)), it->second->seq());
      }
    } else {
      BIBIA_ASSIGN_OR_RETURN(ref, db_->Get(Family::kRecords, facet_key));
      if (ref) {
        BIBIA_ASSIGN_OR_RETURN(std::string_view holder, RefOrigin(*ref, facet_key));
        if (holder != owner) ref.reset();
      }
    }
    if (!ref) continue;
    HoldAside(facet, key.substr(1), owner, std::move(*ref), group);
    group->batch.batch.Delete(db_->family(Family::kRecords), facet_key);
    group->staged[facet_map_key] = nullptr;
  }
  return absl::OkStatus();
}

absl::Status ReplicaReceiver::StageOwnChange(const VerifiedRun::Item& item, const RecordState& state, RemoteGroup* group,
                                   std::optional<IndexOp>* index_op) {
  StoreBatch* b = &group->batch;
  const LogEntryView& e = item.entry;
  const std::string_view key = e.key;
  const absl::string_view map_key(key.data(), key.size());
  const RecordKind kind = static_cast<RecordKind>(key[0]);
  const bool is_public = kind == RecordKind::kPublic;
  const bool is_feedback = kind == RecordKind::kFeedback;
  const bool has_aside = MayHoldAside(key.substr(1));
  // The origin's own facet, written where the project's facets are: any of
  // its facets held aside is older, and must not come back over it.
  if ((is_public || kind == RecordKind::kRestricted || kind == RecordKind::kExpert) && has_aside) {
    std::string aside_key = AsideKey(kind, key.substr(1), e.origin);
    b->batch.Delete(db_->family(Family::kRecords), aside_key);
    group->asides[std::move(aside_key)] = RemoteGroup::Aside{};
  }
  if (e.tombstone) {
    if (!state.exists) return absl::OkStatus();
    if (is_feedback) --b->feedback_delta;
    b->batch.Delete(db_->family(Family::kRecords), rocksdb::Slice(key.data(), key.size()));
    group->staged[map_key] = nullptr;
    if (is_public) {
      group->deleted_projects.emplace_back(key.substr(1));
      // The next claim of the id, if another member's is held aside, owns it now.
      BIBIA_ASSIGN_OR_RETURN(const v1::StoredRecord* heir, PromoteEarliestClaim(key.substr(1), group));
      *index_op = heir != nullptr ? IndexOp{IndexOp::kReplace, 0, &state.old->public_(), &heir->public_()}
                                  : IndexOp{IndexOp::kDelete, 0, &state.old->public_()};
    }
    return absl::OkStatus();
  }
  if (!item.record) return absl::OkStatus();  // erased: a later entry restates the value
  if (is_public) {
    *index_op = state.old != nullptr ? IndexOp{IndexOp::kUpsert, 0, &state.old->public_()}
                                     : IndexOp{};
  }
  if (is_feedback && !state.exists) ++b->feedback_delta;
  b->batch.Put(db_->family(Family::kRecords), rocksdb::Slice(key.data(), key.size()),
               RecordRef(e.origin, e.tier, e.seq));
  group->staged[map_key] = item.record;
  // The origin owns the project here now: its facets held aside are its.
  if (is_public && has_aside) BIBIA_RETURN_IF_ERROR(PromoteAsides(e.origin, key.substr(1), group));
  return absl::OkStatus();
}

absl::Status ReplicaReceiver::StageChange(const VerifiedRun::Item& item, RemoteGroup* group,
                                      std::optional<IndexOp>* index_op) {
  // Read the record's state, decide by the ownership rules
  // (ownership_rules.h), then stage. The entry stays in the log whatever the
  // decision.
  RecordState state;
  BIBIA_RETURN_IF_ERROR(ReadState(item, group, &state));
  BIBIA_ASSIGN_OR_RETURN(const OwnershipDecision decision, Decide(item, &state, group));
  if (IsOwnershipConflict(decision)) ++group->batch.conflicts;
  const std::string_view key = item.entry.key;
  switch (decision) {
    case OwnershipDecision::kIgnore:
      return absl::OkStatus();
    case OwnershipDecision::kHoldAside:
      StageAside(item, group);  // does nothing for an erased payload: a later entry restates it
      return absl::OkStatus();
    case OwnershipDecision::kTakeOverClaim:
      BIBIA_RETURN_IF_ERROR(TakeOverClaim(key, state, group));
      break;
    case OwnershipDecision::kReplaceFacet:
      // The other member's facet is held aside in turn, should that member
      // own the project here one day.
      HoldAside(static_cast<RecordKind>(key[0]), key.substr(1), state.owner, state.other_ref, group);
      break;
    case OwnershipDecision::kApply:
      break;
  }
  return StageOwnChange(item, state, group, index_op);
}

absl::StatusOr<int64_t> ReplicaReceiver::ApplyRemote(std::vector<v1::LogEntry> entries,
                                                  const SignatureVerifier& verifier, v1::Tier max_tier) {
  BIBIA_ASSIGN_OR_RETURN(VerifiedRun run, VerifyRemote(std::move(entries), verifier, max_tier));
  return ApplyVerified(run);
}

absl::StatusOr<int64_t> ReplicaReceiver::ApplyVerified(const VerifiedRun& run) {
  return std::move(ApplyVerified(absl::MakeConstSpan(&run, 1)).front());
}


std::vector<absl::StatusOr<int64_t>> ReplicaReceiver::ApplyVerified(absl::Span<const VerifiedRun> runs) {
  std::vector<absl::StatusOr<int64_t>> results(runs.size(), int64_t{0});
  // Room for the entries and records up front, and a quarter more for the
  // index: a batch grown by doubling copies itself over and over.
  size_t bytes = 0;
  for (const VerifiedRun& run : runs) {
    for (const std::string& entry : run.serialized_) bytes += entry.size() + 96;
  }
  const auto new_group = [reserve = bytes + bytes / 4] {
    auto group = std::make_unique<RemoteGroup>();
    group->batch.batch = rocksdb::WriteBatch(reserve);
    return group;
  };
  absl::ReleasableMutexLock lock(&write_mu_);  // released for the scrub
  auto group = new_group();
  // Runs with redactions, whose erased payloads the files still hold: one
  // scrub (a flush and full compactions) after them all, not one per group.
  std::vector<size_t> redacting;
  const auto commit = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    absl::Status committed = CommitGroup(group.get());
    if (!committed.ok()) {
      for (size_t m : group->members) results[m] = committed;
    } else if (group->redacted) {
      redacting.insert(redacting.end(), group->members.begin(), group->members.end());
    }
    group = new_group();
  };
  for (size_t i = 0; i < runs.size(); ++i) {
    const VerifiedRun& run = runs[i];
    if (run.items_.empty()) continue;
    // Verified against the roster tier of when its sync began; the tier may
    // have changed since (HoldTiersUpTo). Not the peer's fault: skipped,
    // nothing of it applied, and a later sync asks again as the tier allows.
    if (run.tier_ > held_tier_) continue;
    // A redaction drops earlier payloads by reading the log: commit what
    // earlier runs staged first, so that it sees them.
    if (run.has_redaction_ && !group->members.empty()) commit();
    absl::StatusOr<size_t> start = JoinRun(run, group.get());
    if (!start.ok()) {
      // A run of a sync that began before this node dropped the log
      // (HoldTiersUpTo) no longer joins it: stale, not a gap the peer left.
      // Skipped; a later sync asks for the log from where it stands.
      const auto dropped = dropped_logs_.find(FrontierKey(run.origin_, run.tier_));
      if (dropped != dropped_logs_.end() && run.sync_drop_generation_ < dropped->second) continue;
      results[i] = start.status();  // nothing of it staged; the others go on
      continue;
    }
    if (*start == run.items_.size()) continue;  // all applied already
    absl::Status staged = StageRun(run, *start, group.get());
    if (!staged.ok()) {
      // The batch holds part of this run: the group's other runs are staged
      // again into a batch of their own, without it. Nothing of them is
      // committed, so they stage as before; one that fails now goes too.
      results[i] = staged;
      std::vector<size_t> members = std::move(group->members);
      for (bool restaged = false; !restaged;) {
        group = new_group();
        restaged = true;
        for (auto m = members.begin(); m != members.end(); ++m) {
          absl::StatusOr<size_t> again = JoinRun(runs[*m], group.get());
          absl::Status status = again.ok() ? StageRun(runs[*m], *again, group.get()) : again.status();
          if (!status.ok()) {
            results[*m] = status;
            members.erase(m);
            restaged = false;
            break;
          }
          group->members.push_back(*m);
        }
      }
      continue;
    }
    results[i] = static_cast<int64_t>(run.items_.size() - *start);
    group->members.push_back(i);
    if (run.has_redaction_) commit();
  }
  commit();
  lock.Release();
  if (!redacting.empty()) {
    // Applied, but the erased payloads remain on disk until a scrub succeeds
    // (the marker the redaction wrote has the next Open retry it).
    if (absl::Status scrubbed = scrub_(); !scrubbed.ok()) {
      for (size_t m : redacting) results[m] = scrubbed;
    }
  }
  return results;
}

absl::StatusOr<size_t> ReplicaReceiver::JoinRun(const VerifiedRun& run, RemoteGroup* group) {
  const std::string log_key = FrontierKey(run.origin_, run.tier_);
  auto it = group->heads.find(log_key);
  if (it == group->heads.end()) {
    BIBIA_ASSIGN_OR_RETURN(LogHead head, ReadLogHead(*db_, run.origin_, run.tier_));
    it = group->heads.emplace(log_key, RemoteGroup::Head{std::move(head)}).first;
  }
  const LogHead& head = it->second.head;
  size_t start = 0;
  while (start < run.items_.size() && run.items_[start].entry.seq <= head.seq) ++start;  // already applied
  if (start > 0) BIBIA_RETURN_IF_ERROR(CheckSameAsStored(run, start - 1, head));
  if (start == run.items_.size()) return start;
  const LogEntryView& first = run.items_[start].entry;
  if (first.seq != head.seq + 1) {
    return BadEntry(first, absl::StrCat("expected seq ", head.seq + 1, " (an entry is missing)"));
  }
  // Within the run each prev_hash was checked against the entry before it.
  const std::string_view prev_hash = start == 0 ? std::string_view(run.first_prev_hash_) : first.prev_hash;
  if (prev_hash != head.hash) return BadEntry(first, "prev_hash does not continue the chain");
  return start;
}

absl::Status ReplicaReceiver::CheckSameAsStored(const VerifiedRun& run, size_t i, const LogHead& head) const {
  // Entry i's hash is the next one's prev_hash (checked within the run).
  const std::string_view hash =
      i + 1 < run.items_.size() ? run.items_[i + 1].entry.prev_hash : std::string_view(run.last_hash_);
  const LogEntryView& e = run.items_[i].entry;
  std::string stored_hash;
  if (e.seq == head.seq) {
    stored_hash = head.hash;
  } else {
    BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> stored, db_->Get(Family::kLog, LogKey(run.origin_, run.tier_, e.seq)));
    if (!stored) return absl::OkStatus();  // staged by this group, or dropped (a lowered tier)
    BIBIA_ASSIGN_OR_RETURN(LogEntryView view, ParseLogEntryView(*stored));
    stored_hash = EntryHashOfView(*stored, view);
  }
  if (hash == stored_hash) return absl::OkStatus();
  // Signed by the origin all the same: it wrote two different entries under
  // one seq (a store it lost or restored from a backup, most likely).
  return BadEntry(e, "differs from the entry stored under this seq: the origin forked its log "
                     "(a lost or restored store?)");
}

absl::Status ReplicaReceiver::PrefetchStoredRefs(const VerifiedRun& run, size_t start, RemoteGroup* group) {
  std::vector<std::string_view> keys;
  for (size_t i = start; i < run.items_.size(); ++i) {
    const std::string_view key = run.items_[i].entry.key;
    const absl::string_view map_key(key.data(), key.size());
    if (group->staged.contains(map_key) || !group->stored_refs.emplace(map_key, std::nullopt).second) continue;
    keys.push_back(key);
  }
  BIBIA_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> refs, db_->MultiGet(Family::kRecords, keys));
  for (size_t i = 0; i < keys.size(); ++i) {
    group->stored_refs[absl::string_view(keys[i].data(), keys[i].size())] = std::move(refs[i]);
  }
  return absl::OkStatus();
}

absl::Status ReplicaReceiver::StageRun(const VerifiedRun& run, size_t start, RemoteGroup* group) {
  StoreBatch* b = &group->batch;
  BIBIA_RETURN_IF_ERROR(PrefetchStoredRefs(run, start, group));
  std::vector<IndexOp> index_ops;
  bool all_new = true;  // every public facet of the run is new here: its grouped terms apply as they are
  for (size_t i = start; i < run.items_.size(); ++i) {
    const VerifiedRun::Item& item = run.items_[i];
    const LogEntryView& e = item.entry;
    std::optional<IndexOp> index_op;
    BIBIA_RETURN_IF_ERROR(StageChange(item, group, &index_op));
    if (e.key.starts_with(static_cast<char>(RecordKind::kArtifact))) group->manifests_changed = true;
    if (index_op) {
      index_op->slot = i;
      all_new &= index_op->kind == IndexOp::kNew;
      index_ops.push_back(*index_op);
    }
    b->batch.Put(db_->family(Family::kLog), LogKey(run.origin_, run.tier_, e.seq), run.serialized_[i]);
    if (e.redaction) {
      const std::string key(e.key);
      BIBIA_RETURN_IF_ERROR(StageDropPayloads(*db_, run.origin_, run.tier_, key, e.seq, &b->batch, PayloadScan{}).status());
      // Honest senders send erased entries already stripped; drop the
      // payloads of this run's own earlier entries of the key all the same.
      for (size_t j = start; j < i; ++j) {
        const LogEntryView& earlier = run.items_[j].entry;
        if (earlier.key != e.key || earlier.payload.empty()) continue;
        v1::LogEntry stripped;
        if (!stripped.ParseFromString(run.serialized_[j])) return BadEntry(earlier, "unreadable");
        stripped.clear_payload();  // payload_hash stays: the chain still verifies
        b->batch.Put(db_->family(Family::kLog), LogKey(run.origin_, run.tier_, earlier.seq),
                     stripped.SerializeAsString());
      }
      if (!group->redacted) BIBIA_RETURN_IF_ERROR(stage_scrub_marker_(run.tier_, &b->batch));
      group->redacted = true;
    }
    group->hlc = std::max(group->hlc, e.hlc_time);
  }
  StageIndex(run, index_ops, all_new, &b->index);
  RemoteGroup::Head& head = group->heads[FrontierKey(run.origin_, run.tier_)];
  head.head.seq = run.items_.back().entry.seq;
  head.head.hash = run.last_hash_;
  head.advanced = true;
  return absl::OkStatus();
}

void ReplicaReceiver::StageIndex(const VerifiedRun& run, const std::vector<IndexOp>& ops, bool all_new,
                                    IndexChanges* changes) {
  if (all_new) {
    // The usual case of a sync: documents new here. Their rows in order, then
    // their postings term by term, as the receiver grouped them.
    std::vector<uint32_t> docnums(run.items_.size(), SearchIndex::kNoDocnum);
    for (const IndexOp& op : ops) {
      const VerifiedRun::Item& item = run.items_[op.slot];
      docnums[op.slot] = index_->StageNewRow(item.record->public_(), item.length, changes);
    }
    index_->StageGroupedTerms(run.grouped_, docnums, changes);
    return;
  }
  // Updates and deletions replace old terms: document by document, in order
  // (tokenized again here: rare in a sync, and small when they are not).
  for (const IndexOp& op : ops) {
    const VerifiedRun::Item& item = run.items_[op.slot];
    if (op.kind == IndexOp::kDelete) {
      index_->StageDelete(*op.old, changes);
    } else if (op.kind == IndexOp::kReplace) {
      index_->StageUpsert(op.old, *op.heir, changes);
    } else {
      index_->StageUpsert(op.old, item.record->public_(), changes);
    }
  }
}

absl::Status ReplicaReceiver::CommitGroup(RemoteGroup* group) {
  if (group->members.empty()) return absl::OkStatus();
  StoreBatch* b = &group->batch;
  for (const auto& [log_key, head] : group->heads) {
    if (!head.advanced) continue;
    std::string frontier;
    AppendBigEndian64(&frontier, head.head.seq);
    b->batch.Put(db_->family(Family::kFrontier), log_key, frontier);
  }
  index_->Flush(&b->index, &b->batch);
  BIBIA_RETURN_IF_ERROR(db_->Write(&b->batch));
  index_->Apply(b->index);
  conflicts_ += b->conflicts;
  // The store observes the group's time, counts its feedback and deletes
  // this node's own feedback on the projects it deleted.
  // A redacting group's scrub comes after the others (ApplyVerified).
  return committed_(Committed{group->hlc, b->feedback_delta, group->deleted_projects, group->manifests_changed});
}

}  // namespace bibia::catalog
