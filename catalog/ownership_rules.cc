#include "catalog/ownership_rules.h"

namespace bibia::catalog {
namespace {

bool IsFacetBelowPublic(RecordKind kind) { return kind == RecordKind::kRestricted || kind == RecordKind::kExpert; }

}  // namespace

bool NeedsClaimOrder(RecordKind kind, EntryPayload payload, RecordHolder holder) {
  return kind == RecordKind::kPublic && payload == EntryPayload::kValue && holder == RecordHolder::kOther;
}

bool NeedsProjectOwner(RecordKind kind, RecordHolder holder) {
  return IsFacetBelowPublic(kind) && holder == RecordHolder::kOther;
}

OwnershipDecision DecideRemoteEntry(const EntryFacts& facts) {
  // Single writer per record: its origin, where it holds the record or no
  // one does.
  if (facts.holder != RecordHolder::kOther) return OwnershipDecision::kApply;
  if (facts.kind == RecordKind::kPublic) {
    // Two members wrote this project id: the earlier claim owns it, here as
    // on every node. A withdrawal or an erased payload of a claim held aside
    // stays with it.
    if (facts.payload != EntryPayload::kValue) return OwnershipDecision::kHoldAside;
    return facts.claims_earlier ? OwnershipDecision::kTakeOverClaim : OwnershipDecision::kHoldAside;
  }
  if (!IsFacetBelowPublic(facts.kind)) return OwnershipDecision::kIgnore;
  // A restricted or expert facet is the project owner's: the owner's
  // replaces another member's; another member's waits aside until its
  // origin owns the project here, whatever order the entries arrived in.
  return facts.origin_owns_project ? OwnershipDecision::kReplaceFacet : OwnershipDecision::kHoldAside;
}

bool IsOwnershipConflict(OwnershipDecision decision) {
  return decision == OwnershipDecision::kHoldAside || decision == OwnershipDecision::kTakeOverClaim ||
         decision == OwnershipDecision::kIgnore;
}

const char* OwnershipDecisionName(OwnershipDecision decision) {
  switch (decision) {
    case OwnershipDecision::kApply: return "apply";
    case OwnershipDecision::kHoldAside: return "hold-aside";
    case OwnershipDecision::kTakeOverClaim: return "take-over-claim";
    case OwnershipDecision::kReplaceFacet: return "replace-facet";
    case OwnershipDecision::kIgnore: return "ignore";
  }
  return "unknown";
}

}  // namespace bibia::catalog
