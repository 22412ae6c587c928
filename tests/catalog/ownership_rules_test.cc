// The decision table of the ownership rules (catalog/ownership_rules.h),
// without a store: every combination of the facts, and which facts each
// decision reads. The same rules applied to a store are tested through
// replication in remote_apply_test.cc (TwoOriginsTest).
#include "catalog/ownership_rules.h"

#include <string>

#include "gtest/gtest.h"

namespace bibia::catalog {
namespace {

constexpr RecordKind kKinds[] = {RecordKind::kPublic, RecordKind::kRestricted, RecordKind::kExpert,
                                 RecordKind::kFeedback, RecordKind::kRevocation};
constexpr EntryPayload kPayloads[] = {EntryPayload::kValue, EntryPayload::kTombstone, EntryPayload::kErased};

EntryFacts Facts(RecordKind kind, EntryPayload payload, RecordHolder holder, bool claims_earlier = false,
                 bool origin_owns_project = false) {
  EntryFacts facts;
  facts.kind = kind;
  facts.payload = payload;
  facts.holder = holder;
  facts.claims_earlier = claims_earlier;
  facts.origin_owns_project = origin_owns_project;
  return facts;
}

std::string Name(OwnershipDecision decision) { return OwnershipDecisionName(decision); }

TEST(OwnershipRulesTest, NoOtherHolderAppliesWhateverTheOtherFacts) {
  for (RecordKind kind : kKinds) {
    for (EntryPayload payload : kPayloads) {
      for (RecordHolder holder : {RecordHolder::kNone, RecordHolder::kOrigin}) {
        for (bool earlier : {false, true}) {
          for (bool owns : {false, true}) {
            SCOPED_TRACE(testing::Message() << static_cast<char>(kind) << " payload " << static_cast<int>(payload)
                                            << " holder " << static_cast<int>(holder));
            EXPECT_EQ(Name(DecideRemoteEntry(Facts(kind, payload, holder, earlier, owns))), "apply");
          }
        }
      }
      EXPECT_FALSE(NeedsClaimOrder(kind, payload, RecordHolder::kNone));
      EXPECT_FALSE(NeedsClaimOrder(kind, payload, RecordHolder::kOrigin));
    }
    EXPECT_FALSE(NeedsProjectOwner(kind, RecordHolder::kNone));
    EXPECT_FALSE(NeedsProjectOwner(kind, RecordHolder::kOrigin));
  }
}

TEST(OwnershipRulesTest, EarlierClaimTakesOverLaterIsHeldAside) {
  const auto decide = [](bool earlier) {
    return Name(DecideRemoteEntry(Facts(RecordKind::kPublic, EntryPayload::kValue, RecordHolder::kOther, earlier)));
  };
  EXPECT_EQ(decide(true), "take-over-claim");
  EXPECT_EQ(decide(false), "hold-aside");
  EXPECT_TRUE(NeedsClaimOrder(RecordKind::kPublic, EntryPayload::kValue, RecordHolder::kOther));
  EXPECT_FALSE(NeedsProjectOwner(RecordKind::kPublic, RecordHolder::kOther));
}

TEST(OwnershipRulesTest, WithdrawalOrErasedClaimOfAnotherHolderStaysAside) {
  for (EntryPayload payload : {EntryPayload::kTombstone, EntryPayload::kErased}) {
    EXPECT_FALSE(NeedsClaimOrder(RecordKind::kPublic, payload, RecordHolder::kOther));
    for (bool earlier : {false, true}) {
      EXPECT_EQ(Name(DecideRemoteEntry(Facts(RecordKind::kPublic, payload, RecordHolder::kOther, earlier))),
                "hold-aside");
    }
  }
}

TEST(OwnershipRulesTest, OwnersFacetReplacesAnotherMembersOthersWaitAside) {
  for (RecordKind kind : {RecordKind::kRestricted, RecordKind::kExpert}) {
    EXPECT_TRUE(NeedsProjectOwner(kind, RecordHolder::kOther));
    for (EntryPayload payload : kPayloads) {
      EXPECT_FALSE(NeedsClaimOrder(kind, payload, RecordHolder::kOther));
      EXPECT_EQ(Name(DecideRemoteEntry(Facts(kind, payload, RecordHolder::kOther, false, true))), "replace-facet");
      EXPECT_EQ(Name(DecideRemoteEntry(Facts(kind, payload, RecordHolder::kOther, false, false))), "hold-aside");
    }
  }
}

TEST(OwnershipRulesTest, AnotherMembersFeedbackOrRevocationIsIgnored) {
  for (RecordKind kind : {RecordKind::kFeedback, RecordKind::kRevocation}) {
    EXPECT_FALSE(NeedsProjectOwner(kind, RecordHolder::kOther));
    for (EntryPayload payload : kPayloads) {
      EXPECT_FALSE(NeedsClaimOrder(kind, payload, RecordHolder::kOther));
      EXPECT_EQ(Name(DecideRemoteEntry(Facts(kind, payload, RecordHolder::kOther, true, true))), "ignore");
    }
  }
}

TEST(OwnershipRulesTest, ConflictsAreTheDecisionsWhereTwoMembersWroteOneKey) {
  EXPECT_FALSE(IsOwnershipConflict(OwnershipDecision::kApply));
  EXPECT_FALSE(IsOwnershipConflict(OwnershipDecision::kReplaceFacet));
  EXPECT_TRUE(IsOwnershipConflict(OwnershipDecision::kHoldAside));
  EXPECT_TRUE(IsOwnershipConflict(OwnershipDecision::kTakeOverClaim));
  EXPECT_TRUE(IsOwnershipConflict(OwnershipDecision::kIgnore));
}

}  // namespace
}  // namespace bibia::catalog
