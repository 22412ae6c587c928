// Who may change a record on receiving a replicated entry: the claim and
// hold-aside rules of docs/ownership.md as pure functions of plain facts,
// with no store behind them. The receiver (replica_receiver.h) reads the
// facts, asks DecideRemoteEntry, then stages what it returns.
#ifndef BIBIA_CATALOG_OWNERSHIP_RULES_H_
#define BIBIA_CATALOG_OWNERSHIP_RULES_H_

#include "catalog/keys.h"

namespace bibia::catalog {

// What a replicated entry carries in place of a value.
enum class EntryPayload {
  kValue,      // a record
  kTombstone,  // the record's deletion
  kErased,     // a payload a later redaction emptied (a later entry restates it)
};

// Who holds the entry's record where the project's records are, on this
// node, as the group being staged leaves it.
enum class RecordHolder {
  kNone,    // no such record
  kOrigin,  // the entry's own origin
  kOther,   // another member
};

// The facts one decision needs. `claims_earlier` is read only for a public
// facet with a value whose record another member holds (NeedsClaimOrder);
// `origin_owns_project` only for another kind whose record another member
// holds (NeedsProjectOwner). The caller leaves the others false.
struct EntryFacts {
  RecordKind kind = RecordKind::kPublic;  // of the entry's key (no aside kind)
  EntryPayload payload = EntryPayload::kValue;
  RecordHolder holder = RecordHolder::kNone;
  // The entry's public facet claims the id before the holder's
  // (ClaimsBefore, records.h).
  bool claims_earlier = false;
  // The entry's origin owns the project whose restricted or expert facet
  // the entry is (its public facet is the origin's here).
  bool origin_owns_project = false;
};

// What receiving the entry does to the records (its log entry is stored in
// every case: the chain needs it).
enum class OwnershipDecision {
  // The origin's own record, or a new one: put, delete or leave it as
  // erased, where the project's records are.
  kApply,
  // The entry is held aside under its origin (AsideKey): a later claim of
  // the id, the withdrawal of one or an erased one, or a restricted or
  // expert facet whose origin does not own the project here (yet).
  kHoldAside,
  // An earlier claim of the id: the owner until now is held aside, with its
  // restricted and expert facets, and the entry takes the project's place.
  kTakeOverClaim,
  // The project's owner's restricted or expert facet: the other member's
  // facet in its place is held aside, and the entry applied.
  kReplaceFacet,
  // Another member's record of a kind no member but its origin writes
  // (feedback, revocation): nothing changes.
  kIgnore,
};

// The decision for an entry with `facts`, as docs/ownership.md tabulates it.
OwnershipDecision DecideRemoteEntry(const EntryFacts& facts);

// True if DecideRemoteEntry reads `claims_earlier` for these facts.
bool NeedsClaimOrder(RecordKind kind, EntryPayload payload, RecordHolder holder);

// True if DecideRemoteEntry reads `origin_owns_project` for these facts.
bool NeedsProjectOwner(RecordKind kind, RecordHolder holder);

// True if `decision` is counted as an ownership conflict (two members wrote
// under one key; `federation status` shows the count).
bool IsOwnershipConflict(OwnershipDecision decision);

// Lower-case name of `decision`, for logs and test messages.
const char* OwnershipDecisionName(OwnershipDecision decision);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_OWNERSHIP_RULES_H_
