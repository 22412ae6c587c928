// Receiving entries from peers in process: runs buffered until verifiable,
// verified on their own, applied several to a WriteBatch (group commit).
// Real processes, real keys and tampering relays are in tests/integration.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "catalog/log_entry_view.h"
#include "catalog/log_writer.h"
#include "catalog/remote_run.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/replication_test_util.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using RemoteApplyTest = OriginAndReplicaTest;

// Adds `entry` to `pending` as a receiver does: serialized, with its view.
bool AddSerialized(PendingRun* pending, const v1::LogEntry& entry) {
  std::string bytes = entry.SerializeAsString();
  auto view = ParseLogEntryView(bytes);
  EXPECT_THAT(view.status(), IsOk());
  return pending->Add(std::move(bytes), *view);
}

TEST_F(RemoteApplyTest, PendingRunIsVerifiableAtItsSignedEntry) {
  ImportOnOrigin({"p1", "p2", "p3"});
  std::vector<v1::LogEntry> entries = PublicRun(0);
  ASSERT_EQ(entries.size(), 3u);
  PendingRun pending;
  EXPECT_FALSE(AddSerialized(&pending, entries[0]));
  EXPECT_FALSE(AddSerialized(&pending, entries[1]));
  EXPECT_TRUE(AddSerialized(&pending, entries[2]));
  EXPECT_EQ(pending.Take().size(), 3u);
  EXPECT_EQ(pending.size(), 0u);

  // A stripped payload waits for the redaction of its record.
  v1::LogEntry stripped = entries[2];
  stripped.clear_payload();
  EXPECT_FALSE(AddSerialized(&pending, stripped));
}

// The bytes a receiver stores are the bytes it hashed: a relay cannot add a
// second payload (which the entry hash leaves out) or any other field.
TEST_F(RemoteApplyTest, EntriesNotInTheirOwnSerializationAreRefused) {
  ImportOnOrigin({"p1", "p2"});
  std::vector<v1::LogEntry> entries = PublicRun(0);
  ASSERT_EQ(entries.size(), 2u);
  std::vector<std::string> serialized;
  for (const auto& e : entries) serialized.push_back(e.SerializeAsString());
  ASSERT_THAT(replica_->VerifyRemote(serialized, verifier_).status(), IsOk());

  v1::LogEntry extra;
  extra.set_payload("a payload the relay slipped in");
  std::vector<std::string> second_payload = serialized;
  second_payload[0] += extra.SerializeAsString();
  EXPECT_THAT(replica_->VerifyRemote(second_payload, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("entry 1 of a run")));
  std::vector<std::string> unknown_field = serialized;
  unknown_field[1] += std::string("\x60\x01", 2);
  EXPECT_THAT(replica_->VerifyRemote(unknown_field, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("unknown field 12")));
  EXPECT_THAT(ReplicaPublicSeq(), 0u);
}

TEST_F(RemoteApplyTest, SeveralRunsOfOneLogApplyInOneCall) {
  ImportOnOrigin({"p1", "p2"});
  ImportOnOrigin({"p3"});
  std::vector<VerifiedRun> runs;
  runs.push_back(Verified(PublicRun(0)));
  runs.push_back(Verified(PublicRun(2)));
  std::vector<absl::StatusOr<int64_t>> results = replica_->ApplyVerified(std::move(runs));
  ASSERT_EQ(results.size(), 2u);
  ASSERT_THAT(results[0].status(), IsOk());
  ASSERT_THAT(results[1].status(), IsOk());
  EXPECT_EQ(*results[0], 2);
  EXPECT_EQ(*results[1], 1);
  EXPECT_EQ(ReplicaPublicSeq(), 3u);
  for (const char* id : {"p1", "p2", "p3"}) {
    auto project = replica_->GetProject(id);
    ASSERT_THAT(project.status(), IsOk()) << id;
    EXPECT_EQ(project->public_().title_fr(), std::string("Cantine ") + id);
  }
  v1::SearchRequest search;
  search.set_query("cantine p3");
  search.set_page_size(1);
  auto found = replica_->Search(search);
  ASSERT_THAT(found.status(), IsOk());
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).project().id(), "p3");
}

// A project's owner deletes it: each member deletes its own feedback on it
// when it applies the deletion, in its own log, so that it goes everywhere.
TEST_F(RemoteApplyTest, AReplicatedDeletionTakesTheReplicasOwnFeedbackAlong) {
  ImportOnOrigin({"p1", "p2"});
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(0))).status(), IsOk());
  std::string p1_feedback_id;
  for (const char* id : {"p1", "p2"}) {
    v1::Feedback feedback;
    feedback.set_project_id(id);
    feedback.set_kind(v1::FEEDBACK_KIND_LESSON);
    feedback.set_text(std::string("Retour sur ") + id);
    auto added = replica_->AddFeedback(feedback);
    ASSERT_THAT(added.status(), IsOk());
    if (std::string(id) == "p1") p1_feedback_id = added->id();
  }
  ASSERT_EQ(replica_->Stats()->feedback(), 2);

  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(2))).status(), IsOk());
  EXPECT_THAT(replica_->GetProject("p1").status(), StatusIs(absl::StatusCode::kNotFound));
  auto p1 = replica_->ListFeedback("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_TRUE(p1->empty());
  auto p2 = replica_->ListFeedback("p2");
  ASSERT_THAT(p2.status(), IsOk());
  EXPECT_EQ(p2->size(), 1u);  // feedback on a project that stays is untouched
  EXPECT_EQ(replica_->Stats()->feedback(), 1);

  // The replica's restricted log ends with the tombstone of its feedback on p1.
  auto log = replica_->ReadLog("replica-b", v1::TIER_RESTRICTED, 0, 100);
  ASSERT_THAT(log.status(), IsOk());
  ASSERT_FALSE(log->empty());
  EXPECT_TRUE(log->back().tombstone());
  EXPECT_EQ(log->back().key(), FeedbackKey("p1", p1_feedback_id));
}

// A crash between applying a deletion and deleting the feedback it takes
// along leaves that feedback; opening the store deletes it.
TEST_F(RemoteApplyTest, OpeningTheStoreDeletesOwnFeedbackOnProjectsGone) {
  ImportOnOrigin({"p1"});
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(0))).status(), IsOk());
  v1::Feedback feedback;
  feedback.set_project_id("p1");
  feedback.set_kind(v1::FEEDBACK_KIND_LESSON);
  feedback.set_text("Retour sur p1");
  ASSERT_THAT(replica_->AddFeedback(feedback).status(), IsOk());
  // The project's record goes as the replicated deletion would have taken it,
  // the feedback stays: the state a crash right after that commit leaves.
  rocksdb::WriteBatch batch;
  batch.Delete(replica_->db()->family(Family::kRecords), RecordKey(RecordKind::kPublic, "p1"));
  ASSERT_THAT(replica_->db()->Write(&batch), IsOk());
  ASSERT_EQ(replica_->Stats()->feedback(), 1);

  replica_.reset();
  Store::Options options;
  options.node_id = "replica-b";
  options.clock = &clock_;
  auto reopened = Store::Open(dir_b_.path(), options);
  ASSERT_THAT(reopened.status(), IsOk());
  replica_ = std::move(*reopened);
  EXPECT_EQ(replica_->Stats()->feedback(), 0);
  auto left = replica_->ListFeedback("p1");
  ASSERT_THAT(left.status(), IsOk());
  EXPECT_TRUE(left->empty());
}

TEST_F(RemoteApplyTest, ARunThatLeavesAGapIsLeftOutAndTheOthersApply) {
  ImportOnOrigin({"p1", "p2"});
  ImportOnOrigin({"p3"});
  ImportOnOrigin({"p4"});
  std::vector<VerifiedRun> runs;
  runs.push_back(Verified(PublicRun(0)));  // seqs 1-2
  runs.push_back(Verified(PublicRun(3)));  // seq 4: seq 3 missing
  std::vector<absl::StatusOr<int64_t>> results = replica_->ApplyVerified(std::move(runs));
  ASSERT_THAT(results[0].status(), IsOk());
  EXPECT_THAT(results[1].status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("expected seq 3")));
  EXPECT_EQ(ReplicaPublicSeq(), 2u);
  EXPECT_THAT(replica_->GetProject("p4").status(), StatusIs(absl::StatusCode::kNotFound));

  // The missing run, then the one after it: the log continues.
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(2))).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(3))).status(), IsOk());
  EXPECT_EQ(ReplicaPublicSeq(), 4u);
  EXPECT_THAT(replica_->GetProject("p4").status(), IsOk());
}

TEST_F(RemoteApplyTest, ARunAlreadyAppliedChangesNothing) {
  ImportOnOrigin({"p1", "p2"});
  std::vector<v1::LogEntry> entries = PublicRun(0);
  auto first = replica_->ApplyVerified(Verified(entries));
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_EQ(*first, 2);
  auto again = replica_->ApplyVerified(Verified(entries));
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(*again, 0);
  auto stats = replica_->Stats();
  ASSERT_THAT(stats.status(), IsOk());
  EXPECT_EQ(stats->projects(), 2);
}

TEST_F(RemoteApplyTest, AForkOfTheStoredChainIsRefused) {
  ImportOnOrigin({"p1"});
  ImportOnOrigin({"p2"});
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(0))).status(), IsOk());
  // Seq 2 re-chained onto a different seq 1, and signed again: verifiable on
  // its own, but not a continuation of what the replica holds.
  std::vector<v1::LogEntry> fork = PublicRun(1);
  ASSERT_EQ(fork.size(), 1u);
  fork[0].set_prev_hash(std::string(32, 'x'));
  fork[0].set_signature(signer_.Sign(EntryHash(fork[0])));
  auto applied = replica_->ApplyVerified(Verified(fork));
  EXPECT_THAT(applied.status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("prev_hash")));
  EXPECT_EQ(ReplicaPublicSeq(), 1u);
}

// An origin that lost its store and started again empty writes new entries
// under seqs its peers already hold: genuine signatures, chains that verify
// on their own, so only comparing with the stored entries shows the fork
// (such runs used to be skipped as "already applied", and the origin's new
// writes silently never arrived).
TEST_F(RemoteApplyTest, AnOriginThatStartedAgainEmptyIsAForkNotAnOldRun) {
  ImportOnOrigin({"p1"});
  ImportOnOrigin({"p2"});
  ImportOnOrigin({"p3"});
  auto all = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 0, 1000);
  ASSERT_THAT(all.status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(*all)).status(), IsOk());
  ASSERT_EQ(ReplicaPublicSeq(), 3u);
  // What it held, sent again (a second pull running alongside): still fine.
  EXPECT_THAT(replica_->ApplyVerified(Verified(PublicRun(1))).status(), IsOk());

  ScopedTempDir wiped_dir;
  Store::Options options;
  options.node_id = kOrigin;
  options.clock = &clock_;
  options.signer = &signer_;
  auto wiped = Store::Open(wiped_dir.path(), options);
  ASSERT_THAT(wiped.status(), IsOk());
  ASSERT_THAT((*wiped)->PutProject(MakeProject("new-1", "Nouveau 1")).status(), IsOk());
  auto below = (*wiped)->ReadLog(kOrigin, v1::TIER_PUBLIC, 0, 1000);  // seq 1, below the replica's head
  ASSERT_THAT(below.status(), IsOk());
  EXPECT_THAT(replica_->ApplyVerified(Verified(*below)).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("forked its log")));
  ASSERT_THAT((*wiped)->PutProject(MakeProject("new-2", "Nouveau 2")).status(), IsOk());
  ASSERT_THAT((*wiped)->PutProject(MakeProject("new-3", "Nouveau 3")).status(), IsOk());
  auto at_head = (*wiped)->ReadLog(kOrigin, v1::TIER_PUBLIC, 2, 1000);  // seq 3, the replica's head
  ASSERT_THAT(at_head.status(), IsOk());
  EXPECT_THAT(replica_->ApplyVerified(Verified(*at_head)).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("forked its log")));
  EXPECT_EQ(ReplicaPublicSeq(), 3u);
  EXPECT_FALSE(replica_->GetProject("new-1").ok());
  EXPECT_TRUE(replica_->GetProject("p3").ok());
}

TEST_F(RemoteApplyTest, VerificationRejectsAlteredOrForgedRunsWithoutWriting) {
  ImportOnOrigin({"p1", "p2"});
  std::vector<v1::LogEntry> altered = PublicRun(0);
  std::string payload = altered[0].payload();
  payload[payload.size() / 2] ^= 1;
  altered[0].set_payload(payload);
  EXPECT_THAT(replica_->VerifyRemote(altered, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not match its hash")));

  std::vector<v1::LogEntry> dropped = PublicRun(0);
  dropped.erase(dropped.begin());
  dropped.insert(dropped.begin(), dropped.front());  // seq 2 twice: the chain skips
  EXPECT_THAT(replica_->VerifyRemote(dropped, verifier_).status(), StatusIs(absl::StatusCode::kDataLoss));

  std::vector<v1::LogEntry> forged = PublicRun(0);
  forged.back().set_signature(NameSigner("relay").Sign(EntryHash(forged.back())));
  EXPECT_THAT(replica_->VerifyRemote(forged, verifier_).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("origin-a")));

  EXPECT_THAT(replica_->VerifyRemote(PublicRun(0), verifier_, v1::TIER_UNSPECIFIED).status(), IsOk());
  auto frontier = replica_->Frontier();
  ASSERT_THAT(frontier.status(), IsOk());
  EXPECT_THAT(*frontier, IsEmpty());
}

TEST_F(RemoteApplyTest, ARedactionStrippedByARelayIsRefusedAndOneStrippedByALaterRedactionApplies) {
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1", "Prévision des repas")).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(0))).status(), IsOk());
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_PUBLIC), IsOk());
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_PUBLIC), IsOk());
  // The second redaction erased the first one's value, as it erases any.
  auto run = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 1, 1);
  ASSERT_THAT(run.status(), IsOk());
  ASSERT_EQ(run->size(), 2u);
  ASSERT_TRUE((*run)[0].redaction() && (*run)[0].payload().empty());
  ASSERT_TRUE((*run)[1].redaction() && !(*run)[1].payload().empty());

  // A relay strips the value of the last redaction too: chain and signature
  // still verify, but the record would be left with no value anywhere.
  std::vector<v1::LogEntry> stripped = *run;
  stripped[1].clear_payload();
  EXPECT_THAT(replica_->VerifyRemote(stripped, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no later redaction of its record holds the value")));
  PendingRun pending;
  EXPECT_FALSE(AddSerialized(&pending, stripped[0]));
  EXPECT_FALSE(AddSerialized(&pending, stripped[1])) << "a receiver must not close a run at it";
  EXPECT_EQ(ReplicaPublicSeq(), 1u);

  ASSERT_THAT(replica_->ApplyVerified(Verified(*run)).status(), IsOk());
  auto project = replica_->GetProject("p1");
  ASSERT_THAT(project.status(), IsOk());
  EXPECT_EQ(project->public_().title_fr(), "Cantine p1");
}

// A member that writes a restricted facet under another member's project id
// (a contact of its own, say) never has it shown with that project, and the
// owner's own facet replaces it when it arrives.
TEST_F(TwoOriginsTest, AFacetWrittenUnderAnotherMembersProjectIsNeverShownWithIt) {
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1", "Prévision des repas")).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(origin_.get(), v1::TIER_PUBLIC))).status(), IsOk());
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "intrus@evil.example")).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(other_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  auto got = replica_->GetProject("p1");
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->public_().title_fr(), "Cantine p1");
  EXPECT_FALSE(got->has_restricted()) << got->restricted().ShortDebugString();

  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1", "Prévision des repas"),
                                              "dsi@nantes.example")).status(),
              IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(origin_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  got = replica_->GetProject("p1");
  ASSERT_THAT(got.status(), IsOk());
  ASSERT_EQ(got->restricted().contacts_size(), 1);
  EXPECT_EQ(got->restricted().contacts(0).email(), "dsi@nantes.example");

  // And the intruder's later writes of it are conflicts, changing nothing.
  const int64_t conflicts = replica_->conflicts();
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "encore@evil.example")).status(), IsOk());
  auto later = other_->ReadLog("origin-x", v1::TIER_RESTRICTED, 1, 1000);
  ASSERT_THAT(later.status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(*later)).status(), IsOk());
  EXPECT_EQ(replica_->conflicts(), conflicts + 1);
  got = replica_->GetProject("p1");
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->restricted().contacts(0).email(), "dsi@nantes.example");
}

// The keys of facets held aside on `store` (AsideKey).
std::vector<std::string> AsideKeys(Store* store) {
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it = store->db()->NewIterator(Family::kRecords);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const char kind = it->key()[0];
    if (kind == static_cast<char>(RecordKind::kPublicAside) || kind == static_cast<char>(RecordKind::kRestrictedAside) ||
        kind == static_cast<char>(RecordKind::kExpertAside)) {
      keys.push_back(it->key().ToString());
    }
  }
  return keys;
}

// The owner's restricted facet can reach a node before its public one while
// another member's facet of that id is stored there: it is held aside, not
// lost, and becomes the project's facet when the project arrives (a restart
// in between included).
TEST_F(TwoOriginsTest, AnOwnersFacetThatArrivedBeforeItsProjectIsShownWhenTheProjectArrives) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "intrus@evil.example")).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(other_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "dsi@nantes.example")).status(), IsOk());
  const int64_t conflicts = replica_->conflicts();
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(origin_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  EXPECT_EQ(replica_->conflicts(), conflicts + 1);
  EXPECT_THAT(AsideKeys(replica_.get()), ::testing::ElementsAre(AsideKey(RecordKind::kRestricted, "p1", kOrigin)));
  EXPECT_THAT(replica_->GetProject("p1").status(), StatusIs(absl::StatusCode::kNotFound));

  OpenReplica();
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(origin_.get(), v1::TIER_PUBLIC))).status(), IsOk());
  ExpectP1Contact(replica_.get(), "dsi@nantes.example", "Cantine p1");
  // The other member's facet went aside in turn.
  EXPECT_THAT(AsideKeys(replica_.get()), ::testing::ElementsAre(AsideKey(RecordKind::kRestricted, "p1", "origin-x")));

  // The owner's deletion takes it everywhere, as any facet of its own.
  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  auto rest = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 1, 1000);
  ASSERT_THAT(rest.status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(*rest)).status(), IsOk());
  auto record = replica_->db()->Get(Family::kRecords, RecordKey(RecordKind::kRestricted, "p1"));
  ASSERT_THAT(record.status(), IsOk());
  EXPECT_FALSE(record->has_value());
}

// A facet held aside is its origin's as of then: the origin's later writes
// of it, where the project's facets are, are not undone by it.
TEST_F(TwoOriginsTest, AFacetHeldAsideDoesNotComeBackOverItsOriginsLaterWrite) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "intrus@evil.example")).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(other_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "ancien@nantes.example")).status(),
              IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(origin_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  ASSERT_THAT(AsideKeys(replica_.get()), ::testing::SizeIs(1));
  // The other member withdraws its facet; the owner writes a new contact,
  // which lands where the project's facets are.
  ASSERT_THAT(other_->PutProject(MakeProject("p1", "Autre")).status(), IsOk());
  auto withdrawn = other_->ReadLog("origin-x", v1::TIER_RESTRICTED, 1, 1000);
  ASSERT_THAT(withdrawn.status(), IsOk());
  ASSERT_FALSE(withdrawn->empty());
  ASSERT_THAT(replica_->ApplyVerified(Verified(*withdrawn)).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "nouveau@nantes.example")).status(),
              IsOk());
  auto newer = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 1, 1000);
  ASSERT_THAT(newer.status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(*newer)).status(), IsOk());
  EXPECT_THAT(AsideKeys(replica_.get()), IsEmpty());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(origin_.get(), v1::TIER_PUBLIC))).status(), IsOk());
  ExpectP1Contact(replica_.get(), "nouveau@nantes.example");
}

// Two members wrote project p1 with a restricted facet; the first owner
// then deletes it and the other becomes the owner. Two replicas that got the
// logs in different orders end the same: the facet a project owner's entry
// displaced is held aside in turn, and becomes the new owner's facet.
// (Three fresh stores: the fixture's replica is not used.)
TEST_F(TwoOriginsTest, FacetsEndTheSameWhateverOrderTheLogsArrive) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "x@other.example")).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  const std::vector<v1::LogEntry> x_public = LogOf(other_.get(), v1::TIER_PUBLIC);
  const std::vector<v1::LogEntry> x_restricted = LogOf(other_.get(), v1::TIER_RESTRICTED);
  const std::vector<v1::LogEntry> a_public = LogOf(origin_.get(), v1::TIER_PUBLIC);
  const std::vector<v1::LogEntry> a_restricted = LogOf(origin_.get(), v1::TIER_RESTRICTED);
  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  auto a_public_deleted = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 1, 1000);
  auto a_restricted_deleted = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 1, 1000);
  ASSERT_THAT(a_public_deleted.status(), IsOk());
  ASSERT_THAT(a_restricted_deleted.status(), IsOk());

  using Runs = std::vector<const std::vector<v1::LogEntry>*>;
  const std::vector<Runs> orders = {
      // X's facet, A's (aside), A's project (A's facet takes the place, X's
      // goes aside), A's deletion, X's project.
      {&x_restricted, &a_restricted, &a_public, &*a_public_deleted, &*a_restricted_deleted, &x_public},
      // X's facet, A's project, A's facet (taking the place: X's goes aside), ...
      {&x_restricted, &a_public, &a_restricted, &*a_public_deleted, &*a_restricted_deleted, &x_public},
      // A's project and facet, X's facet (aside), A's deletion, X's project.
      {&a_public, &a_restricted, &x_restricted, &*a_public_deleted, &*a_restricted_deleted, &x_public},
  };
  for (size_t n = 0; n < orders.size(); ++n) {
    SCOPED_TRACE(absl::StrCat("order ", n + 1));
    ScopedTempDir dir;
    std::unique_ptr<Store> store = OpenThirdNode(dir);
    ASSERT_NE(store, nullptr);
    for (const std::vector<v1::LogEntry>* run : orders[n]) {
      auto verified = store->VerifyRemote(*run, verifier_);
      ASSERT_THAT(verified.status(), IsOk());
      ASSERT_THAT(store->ApplyVerified(*verified).status(), IsOk());
    }
    auto got = store->GetProject("p1");
    ASSERT_THAT(got.status(), IsOk());
    EXPECT_EQ(got->public_().title_fr(), "Autre");
    ASSERT_EQ(got->restricted().contacts_size(), 1);
    EXPECT_EQ(got->restricted().contacts(0).email(), "x@other.example");
    EXPECT_THAT(AsideKeys(store.get()), IsEmpty());
  }
}

// On the project owner's own node, the facet another member wrote under the
// project's id is held aside when the owner writes its own, and is that
// member's when it owns the project there (the owner having deleted it).
TEST_F(TwoOriginsTest, AFacetAnotherMemberWroteUnderThisNodesProjectIsKeptForThatMember) {
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1")).status(), IsOk());
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "x@other.example")).status(), IsOk());
  auto x_restricted = origin_->VerifyRemote(LogOf(other_.get(), v1::TIER_RESTRICTED), verifier_);
  ASSERT_THAT(x_restricted.status(), IsOk());
  ASSERT_THAT(origin_->ApplyVerified(*x_restricted).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  EXPECT_THAT(AsideKeys(origin_.get()), ::testing::ElementsAre(AsideKey(RecordKind::kRestricted, "p1", "origin-x")));
  auto mine = origin_->GetProject("p1");
  ASSERT_THAT(mine.status(), IsOk());
  EXPECT_EQ(mine->restricted().contacts(0).email(), "a@origin.example");

  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  auto x_public = origin_->VerifyRemote(LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);
  ASSERT_THAT(x_public.status(), IsOk());
  ASSERT_THAT(origin_->ApplyVerified(*x_public).status(), IsOk());
  ExpectP1Contact(origin_.get(), "x@other.example", "Autre");
}

// Erasing a deleted project's history on its former owner's node leaves
// the facet another member wrote under that id since: it is that member's,
// and shown once that member owns the project there, as on every replica.
TEST_F(TwoOriginsTest, RedactingADeletedProjectsHistoryKeepsAnotherMembersFacet) {
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "x@other.example")).status(), IsOk());
  auto x_restricted = origin_->VerifyRemote(LogOf(other_.get(), v1::TIER_RESTRICTED), verifier_);
  ASSERT_THAT(x_restricted.status(), IsOk());
  ASSERT_THAT(origin_->ApplyVerified(*x_restricted).status(), IsOk());
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  for (const v1::LogEntry& e : LogOf(origin_.get(), v1::TIER_RESTRICTED)) {
    EXPECT_EQ(e.payload().find("a@origin.example"), std::string::npos) << "seq " << e.seq() << " still holds it";
  }
  auto x_public = origin_->VerifyRemote(LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);
  ASSERT_THAT(x_public.status(), IsOk());
  ASSERT_THAT(origin_->ApplyVerified(*x_public).status(), IsOk());
  ExpectP1Contact(origin_.get(), "x@other.example");
}

// A node lowered to public drops the restricted and expert facets it held
// aside with the rest of what it held above public.
TEST_F(TwoOriginsTest, FacetsHeldAsideGoWhenTheNodeIsLoweredToPublic) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "intrus@evil.example")).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(other_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "dsi@nantes.example")).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(LogOf(origin_.get(), v1::TIER_RESTRICTED))).status(), IsOk());
  ASSERT_THAT(AsideKeys(replica_.get()), ::testing::SizeIs(1));
  ASSERT_THAT(replica_->HoldTiersUpTo(v1::TIER_PUBLIC).status(), IsOk());
  EXPECT_THAT(AsideKeys(replica_.get()), IsEmpty());
}

// Nor does redacting its own project's facet on the owner's node restate an
// intruder's facet as the owner's (signed by it, it would show everywhere).
TEST_F(TwoOriginsTest, RedactingAFacetAnotherMemberWroteRestatesNothing) {
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1")).status(), IsOk());
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "intrus@evil.example")).status(), IsOk());
  auto run = origin_->VerifyRemote(LogOf(other_.get(), v1::TIER_RESTRICTED), verifier_);
  ASSERT_THAT(run.status(), IsOk());
  ASSERT_THAT(origin_->ApplyVerified(*run).status(), IsOk());
  EXPECT_THAT(origin_->RedactHistory("p1", v1::TIER_RESTRICTED),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("has no restricted facet")));
  EXPECT_TRUE(LogOf(origin_.get(), v1::TIER_RESTRICTED).empty()) << "the owner restated it";
  auto got = origin_->GetProject("p1");
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_FALSE(got->has_restricted());
}

// A feedback's id names its origin: a member cannot take, ahead of it, the
// key under which another member's feedback will arrive.
TEST_F(TwoOriginsTest, AFeedbackUnderAnIdOfAnotherOriginIsRefused) {
  ASSERT_THAT(other_->PutProject(MakeProject("p1", "Cantine p1")).status(), IsOk());
  v1::Feedback feedback;
  feedback.set_project_id("p1");
  feedback.set_kind(v1::FEEDBACK_KIND_LESSON);
  feedback.set_text("Un retour");
  ASSERT_THAT(other_->AddFeedback(feedback).status(), IsOk());
  std::vector<v1::LogEntry> run = LogOf(other_.get(), v1::TIER_RESTRICTED);
  ASSERT_FALSE(run.empty());
  v1::LogEntry& entry = run.back();
  v1::StoredRecord record;
  ASSERT_TRUE(record.ParseFromString(entry.payload()));
  ASSERT_TRUE(record.has_feedback());
  ASSERT_TRUE(IsFeedbackIdOf(record.feedback().id(), "origin-x")) << record.feedback().id();
  // X's own node, altered, writes and signs one under origin-a's next id.
  record.mutable_feedback()->set_id("origin-a-r7");
  entry.set_payload(record.SerializeAsString());
  entry.set_payload_hash(Sha256(entry.payload()));
  entry.set_key(FeedbackKey("p1", "origin-a-r7"));
  entry.set_signature(signer_x_.Sign(EntryHash(entry)));
  EXPECT_THAT(replica_->VerifyRemote(run, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("an id of its origin")));
  // Its key not matching its id is refused the same way.
  record.mutable_feedback()->set_id("origin-x-r7");
  entry.set_payload(record.SerializeAsString());
  entry.set_payload_hash(Sha256(entry.payload()));
  entry.set_signature(signer_x_.Sign(EntryHash(entry)));
  EXPECT_THAT(replica_->VerifyRemote(run, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("under its own key")));
}

// A facet's key names a project id: a tombstone (no payload to check) keyed
// into the range facets are held aside under, or beyond, is refused.
TEST_F(TwoOriginsTest, AFacetKeyThatIsNotAProjectIdIsRefused) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre"), "x@other.example")).status(), IsOk());
  std::vector<v1::LogEntry> run = LogOf(other_.get(), v1::TIER_RESTRICTED);
  ASSERT_EQ(run.size(), 1u);
  v1::LogEntry& entry = run.back();
  entry.clear_payload();
  entry.clear_payload_hash();
  entry.set_tombstone(true);
  entry.set_key("Rp1/origin-a");
  entry.set_signature(signer_x_.Sign(EntryHash(entry)));
  EXPECT_THAT(replica_->VerifyRemote(run, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a facet of a valid project id")));
}

// Applies `run` (of any origin) on `store`.
void ApplyOn(Store* store, const std::vector<v1::LogEntry>& run, const NameVerifier& verifier) {
  auto verified = store->VerifyRemote(run, verifier);
  ASSERT_THAT(verified.status(), IsOk());
  ASSERT_THAT(store->ApplyVerified(*verified).status(), IsOk());
}

// Two members wrote project p1, origin-x first. Whatever order their logs
// reach a node in, the earlier claim owns p1 there, with its own facets, and
// the later one is held aside; the later member withdrawing its claim leaves
// nothing of it behind.
TEST_F(TwoOriginsTest, TheEarlierClaimOfAnIdOwnsItWhateverOrderTheLogsArrive) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre tramway"), "x@other.example")).status(),
              IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  const std::vector<v1::LogEntry> x_public = LogOf(other_.get(), v1::TIER_PUBLIC);
  const std::vector<v1::LogEntry> x_restricted = LogOf(other_.get(), v1::TIER_RESTRICTED);
  const std::vector<v1::LogEntry> a_public = LogOf(origin_.get(), v1::TIER_PUBLIC);
  const std::vector<v1::LogEntry> a_restricted = LogOf(origin_.get(), v1::TIER_RESTRICTED);
  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  auto a_public_deleted = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 1, 1000);
  auto a_restricted_deleted = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 1, 1000);
  ASSERT_THAT(a_public_deleted.status(), IsOk());
  ASSERT_THAT(a_restricted_deleted.status(), IsOk());

  using Runs = std::vector<const std::vector<v1::LogEntry>*>;
  const std::vector<Runs> orders = {
      {&a_public, &a_restricted, &x_public, &x_restricted},  // the later claim first: the earlier takes over
      {&x_public, &x_restricted, &a_public, &a_restricted},
      {&a_public, &x_restricted, &x_public, &a_restricted},
      {&x_restricted, &a_public, &a_restricted, &x_public},
  };
  for (size_t n = 0; n < orders.size(); ++n) {
    SCOPED_TRACE(absl::StrCat("order ", n + 1));
    ScopedTempDir dir;
    std::unique_ptr<Store> store = OpenThirdNode(dir);
    ASSERT_NE(store, nullptr);
    for (const std::vector<v1::LogEntry>* run : orders[n]) ApplyOn(store.get(), *run, verifier_);
    auto got = store->GetProject("p1");
    ASSERT_THAT(got.status(), IsOk());
    EXPECT_EQ(got->public_().title_fr(), "Autre tramway");
    ASSERT_EQ(got->restricted().contacts_size(), 1);
    EXPECT_EQ(got->restricted().contacts(0).email(), "x@other.example");
    EXPECT_THAT(Finds(store.get(), "tramway"), ::testing::ElementsAre("p1"));
    EXPECT_THAT(Finds(store.get(), "cantine"), IsEmpty());
    EXPECT_GT(store->conflicts(), 0);
    auto claim = store->db()->Get(Family::kRecords, AsideKey(RecordKind::kPublic, "p1", kOrigin));
    ASSERT_THAT(claim.status(), IsOk());
    EXPECT_TRUE(claim->has_value()) << "origin-a's claim is held aside";

    ApplyOn(store.get(), *a_public_deleted, verifier_);
    ApplyOn(store.get(), *a_restricted_deleted, verifier_);
    EXPECT_THAT(AsideKeys(store.get()), IsEmpty());
    auto aside = store->db()->Get(Family::kRecords, AsideKey(RecordKind::kPublic, "p1", kOrigin));
    ASSERT_THAT(aside.status(), IsOk());
    EXPECT_FALSE(aside->has_value());
    got = store->GetProject("p1");
    ASSERT_THAT(got.status(), IsOk());
    EXPECT_EQ(got->public_().title_fr(), "Autre tramway");
  }
}

// When the owner of a project another member also claimed deletes it, on a
// replica (reopened in between) or on its own node, the later claim held
// aside becomes the project, with its facets, and is found by search.
TEST_F(TwoOriginsTest, WhenTheEarlierClaimIsDeletedTheNextTakesItsPlace) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre tramway"), "x@other.example")).status(),
              IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  for (Store* store : {replica_.get(), other_.get()}) {
    ApplyOn(store, LogOf(origin_.get(), v1::TIER_PUBLIC), verifier_);
    ApplyOn(store, LogOf(origin_.get(), v1::TIER_RESTRICTED), verifier_);
  }
  ApplyOn(replica_.get(), LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);
  ApplyOn(replica_.get(), LogOf(other_.get(), v1::TIER_RESTRICTED), verifier_);
  OpenReplica();
  for (Store* store : {replica_.get(), other_.get()}) {
    auto got = store->GetProject("p1");
    ASSERT_THAT(got.status(), IsOk());
    EXPECT_EQ(got->public_().title_fr(), "Autre tramway");
  }

  ASSERT_THAT(other_->DeleteProject("p1"), IsOk());  // on its own node: origin-a's claim takes the place at once
  ApplyOn(replica_.get(), LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);
  ApplyOn(replica_.get(), LogOf(other_.get(), v1::TIER_RESTRICTED), verifier_);
  for (Store* store : {replica_.get(), other_.get()}) {
    SCOPED_TRACE(store->node_id());
    ExpectP1Contact(store, "a@origin.example", "Cantine p1");
    EXPECT_THAT(Finds(store, "cantine"), ::testing::ElementsAre("p1"));
    EXPECT_THAT(Finds(store, "tramway"), IsEmpty());
    EXPECT_THAT(AsideKeys(store), IsEmpty());
  }
  // The new owner edits it as before; the one that deleted it cannot.
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1 v2"), "a@origin.example")).status(),
              IsOk());
  auto newer = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 1, 1000);
  ASSERT_THAT(newer.status(), IsOk());
  ApplyOn(replica_.get(), *newer, verifier_);
  ExpectP1Contact(replica_.get(), "a@origin.example", "Cantine p1 v2");
  EXPECT_THAT(other_->PutProject(MakeProject("p1", "Autre")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(kOrigin)));
}

// A node whose own project turns out to be the later claim of its id shows
// the earlier one's instead, can no longer edit it, but can still erase its
// own facet's history; once the earlier claim is deleted, its project is
// back, and its own again.
TEST_F(TwoOriginsTest, ANodeWhoseClaimIsTheLaterOneKeepsItAsideAndGetsItBack) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre tramway"), "x@other.example")).status(),
              IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  ApplyOn(origin_.get(), LogOf(other_.get(), v1::TIER_RESTRICTED), verifier_);
  ApplyOn(origin_.get(), LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);
  ExpectP1Contact(origin_.get(), "x@other.example", "Autre tramway");
  EXPECT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("origin-x")));
  EXPECT_THAT(AsideKeys(origin_.get()),
              ::testing::UnorderedElementsAre(AsideKey(RecordKind::kPublic, "p1", kOrigin),
                                              AsideKey(RecordKind::kRestricted, "p1", kOrigin)));
  // Its own contact, held aside, is still its to erase.
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  const std::vector<v1::LogEntry> restricted = LogOf(origin_.get(), v1::TIER_RESTRICTED);
  ASSERT_EQ(restricted.size(), 2u);
  EXPECT_TRUE(restricted[0].payload().empty());
  EXPECT_TRUE(restricted[1].redaction());

  ASSERT_THAT(other_->DeleteProject("p1"), IsOk());
  auto x_public = other_->ReadLog("origin-x", v1::TIER_PUBLIC, 1, 1000);
  auto x_restricted = other_->ReadLog("origin-x", v1::TIER_RESTRICTED, 1, 1000);
  ASSERT_THAT(x_public.status(), IsOk());
  ASSERT_THAT(x_restricted.status(), IsOk());
  ApplyOn(origin_.get(), *x_public, verifier_);
  ApplyOn(origin_.get(), *x_restricted, verifier_);
  ExpectP1Contact(origin_.get(), "a@origin.example", "Cantine p1");
  EXPECT_THAT(AsideKeys(origin_.get()), IsEmpty());
  EXPECT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1 v2")).status(), IsOk());
}

// A node whose claim of an id is the later one can still delete it: its
// facets go from every node, and the earlier claim's deletion then leaves
// no project behind.
TEST_F(TwoOriginsTest, ANodeCanWithdrawItsLaterClaim) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre tramway"), "x@other.example")).status(),
              IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  for (const std::vector<v1::LogEntry>& run : {LogOf(origin_.get(), v1::TIER_PUBLIC),
                                               LogOf(origin_.get(), v1::TIER_RESTRICTED),
                                               LogOf(other_.get(), v1::TIER_PUBLIC),
                                               LogOf(other_.get(), v1::TIER_RESTRICTED)}) {
    ApplyOn(replica_.get(), run, verifier_);
  }
  ApplyOn(origin_.get(), LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);
  ASSERT_THAT(AsideKeys(replica_.get()), ::testing::SizeIs(2));
  ASSERT_THAT(AsideKeys(origin_.get()),
              ::testing::UnorderedElementsAre(AsideKey(RecordKind::kPublic, "p1", kOrigin),
                                              AsideKey(RecordKind::kRestricted, "p1", kOrigin)));

  bool withdrew_claim = false;
  ASSERT_THAT(origin_->DeleteProject("p1", &withdrew_claim), IsOk());
  EXPECT_TRUE(withdrew_claim);
  EXPECT_THAT(AsideKeys(origin_.get()), IsEmpty());
  auto own = origin_->db()->Get(Family::kRecords, RecordKey(RecordKind::kRestricted, "p1"));
  ASSERT_THAT(own.status(), IsOk());
  EXPECT_FALSE(own->has_value()) << "no contact of its own is left where the project's facets are";
  auto got = origin_->GetProject("p1");
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->public_().title_fr(), "Autre tramway");
  // Nothing more to delete: the project is the other member's.
  EXPECT_THAT(origin_->DeleteProject("p1"), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("origin-x")));

  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED}) {
    auto rest = origin_->ReadLog(kOrigin, tier, 1, 1000);
    ASSERT_THAT(rest.status(), IsOk());
    ApplyOn(replica_.get(), *rest, verifier_);
  }
  EXPECT_THAT(AsideKeys(replica_.get()), IsEmpty());
  ASSERT_THAT(other_->DeleteProject("p1", &withdrew_claim), IsOk());
  EXPECT_FALSE(withdrew_claim);
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED}) {
    auto rest = other_->ReadLog("origin-x", tier, 1, 1000);
    ASSERT_THAT(rest.status(), IsOk());
    ApplyOn(replica_.get(), *rest, verifier_);
  }
  ApplyOn(origin_.get(), LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);
  for (Store* store : {replica_.get(), origin_.get()}) {
    EXPECT_THAT(store->GetProject("p1").status(), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_THAT(Finds(store, "tramway"), IsEmpty());
  }
}

// A claim that an earlier one displaced takes all its facets aside, even
// those the new owner has no facet of yet: its origin redacts its contact
// there (restated, not deleted), and gets it back with the project.
TEST_F(TwoOriginsTest, AClaimDisplacedTakesAllItsFacetsAside) {
  ASSERT_THAT(other_->PutProject(WithContact(MakeProject("p1", "Autre tramway"), "x@other.example")).status(),
              IsOk());
  ASSERT_THAT(origin_->PutProject(WithContact(MakeProject("p1", "Cantine p1"), "a@origin.example")).status(), IsOk());
  ApplyOn(origin_.get(), LogOf(other_.get(), v1::TIER_PUBLIC), verifier_);  // origin-x's public facet only
  EXPECT_THAT(AsideKeys(origin_.get()),
              ::testing::UnorderedElementsAre(AsideKey(RecordKind::kPublic, "p1", kOrigin),
                                              AsideKey(RecordKind::kRestricted, "p1", kOrigin)));
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  const std::vector<v1::LogEntry> restricted = LogOf(origin_.get(), v1::TIER_RESTRICTED);
  ASSERT_EQ(restricted.size(), 2u);
  EXPECT_FALSE(restricted[1].payload().empty()) << "the current contact is restated, not deleted";
  EXPECT_THAT(origin_->GetProject("p1").status(), IsOk());
  ASSERT_THAT(other_->DeleteProject("p1"), IsOk());
  auto deleted = other_->ReadLog("origin-x", v1::TIER_PUBLIC, 1, 1000);
  ASSERT_THAT(deleted.status(), IsOk());
  ApplyOn(origin_.get(), *deleted, verifier_);
  ExpectP1Contact(origin_.get(), "a@origin.example", "Cantine p1");
}

// `entry` (a public facet) as its origin would sign it had it claimed its
// project id from `claim`: what a buggy or dishonest member could send.
v1::LogEntry ClaimingFrom(v1::LogEntry entry, int64_t claim) {
  v1::StoredRecord record;
  EXPECT_TRUE(record.ParseFromString(entry.payload()));
  record.set_claimed_hlc(claim);
  entry.set_payload(record.SerializeAsString());
  entry.set_payload_hash(Sha256(entry.payload()));
  entry.set_signature(NameSigner(entry.origin()).Sign(EntryHash(entry)));
  return entry;
}

int64_t ClaimOf(const v1::LogEntry& entry) {
  v1::StoredRecord record;
  EXPECT_TRUE(record.ParseFromString(entry.payload()));
  return record.claimed_hlc();
}

// A claim of an id later than the entry that makes it, or before the epoch,
// is refused before anything is applied: the writer takes its claim from
// the clock that times its entry.
TEST_F(RemoteApplyTest, AClaimLaterThanItsOwnEntryIsRefused) {
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1")).status(), IsOk());
  const std::vector<v1::LogEntry> run = PublicRun(0);
  ASSERT_EQ(run.size(), 1u);
  EXPECT_GT(ClaimOf(run[0]), 0);
  EXPECT_LE(ClaimOf(run[0]), run[0].hlc_time());
  for (int64_t claim : {run[0].hlc_time() + 1, int64_t{-1}}) {
    SCOPED_TRACE(claim);
    EXPECT_THAT(replica_->VerifyRemote({ClaimingFrom(run[0], claim)}, verifier_).status(),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not between 0 and the entry's own time")));
  }
  EXPECT_THAT(replica_->VerifyRemote({ClaimingFrom(run[0], run[0].hlc_time())}, verifier_).status(), IsOk());
  EXPECT_EQ(ReplicaPublicSeq(), 0u);
}

// An origin's later facet of a project must claim the id when its first did:
// moved earlier, it would take the project from the member with the earlier
// claim on the nodes holding that member's claim, and not on the others.
// Refused wherever the origin's facet is held: where the project's facets
// are (it owns the project) or aside (it does not).
TEST_F(TwoOriginsTest, AClaimThatChangesWithoutADeletionIsRefusedWhereverItIsHeld) {
  ASSERT_THAT(other_->PutProject(MakeProject("p1", "Autre tramway")).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1")).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1 v2")).status(), IsOk());
  const std::vector<v1::LogEntry> x_public = LogOf(other_.get(), v1::TIER_PUBLIC);
  const std::vector<v1::LogEntry> a_public = LogOf(origin_.get(), v1::TIER_PUBLIC);
  ASSERT_EQ(a_public.size(), 2u);
  ASSERT_EQ(ClaimOf(a_public[1]), ClaimOf(a_public[0])) << "an update keeps its project's claim";
  const int64_t x_claim = ClaimOf(x_public[0]);
  ASSERT_GT(x_claim, 0);
  ASSERT_LT(x_claim, ClaimOf(a_public[0]));
  // origin-a's update, backdated before origin-x's claim.
  const v1::LogEntry backdated = ClaimingFrom(a_public[1], x_claim - 1);

  ScopedTempDir dir;
  std::unique_ptr<Store> holding_x = OpenThirdNode(dir);
  ASSERT_NE(holding_x, nullptr);
  ApplyOn(holding_x.get(), x_public, verifier_);
  for (Store* store : {replica_.get(), holding_x.get()}) {
    SCOPED_TRACE(store->node_id());
    ApplyOn(store, {a_public[0]}, verifier_);
    const std::string shown = store->GetProject("p1")->public_().title_fr();
    auto verified = store->VerifyRemote({backdated}, verifier_);
    ASSERT_THAT(verified.status(), IsOk()) << "signed by its origin, and no later than its entry";
    EXPECT_THAT(store->ApplyVerified(*verified).status(),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("a claim changes only with a deletion")));
    EXPECT_EQ(store->GetProject("p1")->public_().title_fr(), shown) << "nothing of it applied";
    // The honest update applies where the facet is held.
    ApplyOn(store, {a_public[1]}, verifier_);
  }
  EXPECT_EQ(replica_->GetProject("p1")->public_().title_fr(), "Cantine p1 v2");
  EXPECT_EQ(holding_x->GetProject("p1")->public_().title_fr(), "Autre tramway");
  EXPECT_THAT(AsideKeys(holding_x.get()), ::testing::ElementsAre(AsideKey(RecordKind::kPublic, "p1", kOrigin)));

  // After a deletion, the origin's next project of that id is a new claim.
  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1 again")).status(), IsOk());
  auto later = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 2, 1000);
  ASSERT_THAT(later.status(), IsOk());
  ASSERT_EQ(later->size(), 2u);
  EXPECT_GT(ClaimOf((*later)[1]), ClaimOf(a_public[0]));
  ApplyOn(replica_.get(), *later, verifier_);
  EXPECT_EQ(replica_->GetProject("p1")->public_().title_fr(), "Cantine p1 again");
}

// A word only an erased payload held leaves the search index's keys too, on
// the origin and on the replica (it stayed as a term with an empty list).
TEST_F(RemoteApplyTest, AWordOnlyAnErasedPayloadHeldLeavesTheIndex) {
  v1::Project project = MakeProject("p1", "Cantine p1", "Contact Zorglubovitch pour les repas");
  ASSERT_THAT(origin_->PutProject(project).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(PublicRun(0))).status(), IsOk());
  project.mutable_public_()->set_summary_fr("Prévision des repas");
  ASSERT_THAT(origin_->PutProject(project).status(), IsOk());
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_PUBLIC), IsOk());
  auto rest = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 1, 1000);
  ASSERT_THAT(rest.status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(*rest)).status(), IsOk());
  for (Store* store : {origin_.get(), replica_.get()}) {
    SCOPED_TRACE(store->node_id());
    std::vector<std::string> terms;
    std::unique_ptr<rocksdb::Iterator> it = store->db()->NewIterator(Family::kIndex);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().starts_with(std::string(1, kTermPrefix))) terms.push_back(it->key().ToString().substr(1));
    }
    EXPECT_THAT(terms, ::testing::Not(::testing::Contains(::testing::HasSubstr("zorglub"))));
    EXPECT_THAT(terms, ::testing::Contains("prevision"));  // the words still held stay
    v1::SearchRequest query;
    query.set_query("repas");
    auto found = store->Search(query);
    ASSERT_THAT(found.status(), IsOk());
    EXPECT_EQ(found->total_matches(), 1);
  }
}

// A project whose restricted facet holds one contact, `email`.
v1::Project ProjectWithContact(const std::string& id, const std::string& email) {
  v1::Project project = MakeProject(id, "Cantine " + id);
  v1::Contact* contact = project.mutable_restricted()->add_contacts();
  contact->set_role("DSI");
  contact->set_email(email);
  contact->set_expires("2030-12-31");
  return project;
}

// The names of the SST files of `family`: a compaction replaces them.
std::vector<std::string> SstFiles(Store* store, Family family) {
  rocksdb::ColumnFamilyMetaData meta;
  store->db()->raw()->GetColumnFamilyMetaData(store->db()->family(family), &meta);
  std::vector<std::string> names;
  for (const auto& level : meta.levels) {
    for (const auto& file : level.files) names.push_back(file.name);
  }
  return names;
}

// Only public text is indexed: erasing a restricted payload scrubs the log
// family but leaves the index's files as they were (a compaction of the
// whole index for a contact that left is wasted work); erasing a public one
// compacts the index too. On the origin and on the replica alike.
TEST_F(RemoteApplyTest, OnlyAnErasedPublicPayloadCompactsTheIndex) {
  v1::Project project = ProjectWithContact("p1", "parti@example.org");
  ASSERT_THAT(origin_->PutProject(project).status(), IsOk());
  const auto log_of = [&](v1::Tier tier) {
    auto entries = origin_->ReadLog(kOrigin, tier, 0, 1000);
    EXPECT_THAT(entries.status(), IsOk());
    return entries.ok() ? *entries : std::vector<v1::LogEntry>();
  };
  ASSERT_THAT(replica_->ApplyVerified(Verified(log_of(v1::TIER_PUBLIC))).status(), IsOk());
  ASSERT_THAT(replica_->ApplyVerified(Verified(log_of(v1::TIER_RESTRICTED))).status(), IsOk());
  for (Store* store : {origin_.get(), replica_.get()}) {
    for (Family f : {Family::kIndex, Family::kLog}) {
      ASSERT_TRUE(store->db()->raw()->Flush(rocksdb::FlushOptions(), store->db()->family(f)).ok());
    }
  }
  std::map<std::string, std::vector<std::string>> index_before, log_before;
  for (Store* store : {origin_.get(), replica_.get()}) {
    index_before[store->node_id()] = SstFiles(store, Family::kIndex);
    log_before[store->node_id()] = SstFiles(store, Family::kLog);
    ASSERT_THAT(index_before[store->node_id()], ::testing::Not(IsEmpty()));
  }

  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  std::vector<v1::LogEntry> redaction = log_of(v1::TIER_RESTRICTED);
  ASSERT_THAT(replica_->ApplyVerified(Verified({redaction.back()})).status(), IsOk());
  for (Store* store : {origin_.get(), replica_.get()}) {
    SCOPED_TRACE(store->node_id());
    EXPECT_EQ(SstFiles(store, Family::kIndex), index_before[store->node_id()]);
    EXPECT_NE(SstFiles(store, Family::kLog), log_before[store->node_id()]);
    auto marker = store->db()->Get(Family::kMeta, kMetaScrubPending);
    ASSERT_THAT(marker.status(), IsOk());
    EXPECT_FALSE(marker->has_value()) << "the scrub is still pending";
  }

  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_PUBLIC), IsOk());
  std::vector<v1::LogEntry> public_redaction = log_of(v1::TIER_PUBLIC);
  ASSERT_THAT(replica_->ApplyVerified(Verified({public_redaction.back()})).status(), IsOk());
  for (Store* store : {origin_.get(), replica_.get()}) {
    SCOPED_TRACE(store->node_id());
    EXPECT_NE(SstFiles(store, Family::kIndex), index_before[store->node_id()]);
  }
}

// A public scrub that did not finish (its marker still says "index") is not
// downgraded by a later restricted redaction: the index is compacted then.
TEST_F(RemoteApplyTest, AnIndexScrubLeftPendingIsDoneByTheNextScrub) {
  v1::Project project = ProjectWithContact("p1", "parti@example.org");
  ASSERT_THAT(origin_->PutProject(project).status(), IsOk());
  ASSERT_TRUE(origin_->db()->raw()->Flush(rocksdb::FlushOptions(), origin_->db()->family(Family::kIndex)).ok());
  const std::vector<std::string> before = SstFiles(origin_.get(), Family::kIndex);
  ASSERT_THAT(before, ::testing::Not(IsEmpty()));
  rocksdb::WriteBatch pending;
  ASSERT_TRUE(pending.Put(origin_->db()->family(Family::kMeta), std::string(kMetaScrubPending),
                          std::string(kScrubWithIndex)).ok());
  ASSERT_THAT(origin_->db()->Write(&pending), IsOk());
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  EXPECT_NE(SstFiles(origin_.get(), Family::kIndex), before);
}

// A deleted project's past values can still be erased: the redaction is then
// a tombstone, and every node drops them as for a live record (they stayed in
// every log, and went to every new member, with no way to erase them).
TEST_F(RemoteApplyTest, ADeletedProjectsHistoryCanBeErased) {
  v1::Project project = ProjectWithContact("p1", "parti@example.org");
  ASSERT_THAT(origin_->PutProject(project).status(), IsOk());
  const auto restricted_log = [&](Store* store, uint64_t after) {
    auto entries = store->ReadLog(kOrigin, v1::TIER_RESTRICTED, after, 1000);
    EXPECT_THAT(entries.status(), IsOk());
    return entries.ok() ? *entries : std::vector<v1::LogEntry>();
  };
  const auto holds_contact = [&](Store* store) {
    for (const v1::LogEntry& e : restricted_log(store, 0)) {
      if (e.payload().find("parti@example.org") != std::string::npos) return true;
    }
    return false;
  };
  ASSERT_THAT(replica_->ApplyVerified(Verified(restricted_log(origin_.get(), 0))).status(), IsOk());
  ASSERT_TRUE(holds_contact(replica_.get()));
  ASSERT_THAT(origin_->DeleteProject("p1"), IsOk());
  EXPECT_THAT(origin_->RedactHistory("p1", v1::TIER_EXPERT), StatusIs(absl::StatusCode::kNotFound));  // never had one
  ASSERT_THAT(origin_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  EXPECT_FALSE(holds_contact(origin_.get()));
  const std::vector<v1::LogEntry> rest = restricted_log(origin_.get(), 1);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_TRUE(rest[0].tombstone() && !rest[0].redaction());
  EXPECT_TRUE(rest[1].tombstone() && rest[1].redaction());
  ASSERT_THAT(replica_->ApplyVerified(Verified(rest)).status(), IsOk());
  EXPECT_FALSE(holds_contact(replica_.get()));
  EXPECT_FALSE(replica_->GetProject("p1").ok());

  // A node pulling from scratch verifies the chain with the payload erased.
  ScopedTempDir fresh_dir;
  Store::Options options;
  options.node_id = "fresh-c";
  options.clock = &clock_;
  auto fresh = Store::Open(fresh_dir.path(), options);
  ASSERT_THAT(fresh.status(), IsOk());
  auto run = (*fresh)->VerifyRemote(restricted_log(origin_.get(), 0), verifier_);
  ASSERT_THAT(run.status(), IsOk());
  ASSERT_THAT((*fresh)->ApplyVerified(*run).status(), IsOk());
  EXPECT_FALSE(holds_contact(fresh->get()));
}

TEST_F(RemoteApplyTest, RunsOfEveryTierApplyTogether) {
  v1::Project full = MakeProject("p1", "Fuites d'eau", "Débits de nuit");
  full.mutable_restricted()->set_procurement_notes("Marché subséquent");
  full.mutable_expert()->set_license("Apache-2.0");
  ASSERT_THAT(origin_->PutProject(full).status(), IsOk());
  std::vector<VerifiedRun> runs;
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    auto entries = origin_->ReadLog(kOrigin, tier, 0, 1);
    ASSERT_THAT(entries.status(), IsOk());
    runs.push_back(Verified(*entries));
  }
  for (const auto& result : replica_->ApplyVerified(std::move(runs))) ASSERT_THAT(result.status(), IsOk());
  auto project = replica_->GetProject("p1");
  ASSERT_THAT(project.status(), IsOk());
  EXPECT_EQ(project->restricted().procurement_notes(), "Marché subséquent");
  EXPECT_EQ(project->expert().license(), "Apache-2.0");
  // Replicated records stay their origin's.
  EXPECT_THAT(replica_->PutProject(full).status(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

// Imports p1-p3 (public and restricted facets) on `origin` in one batch,
// and makes the replica's reference of p2's public facet unreadable.
void ImportThreeWithAnUnreadableReplicaReference(Store* origin, Store* replica) {
  std::vector<v1::Project> projects;
  for (const char* id : {"p1", "p2", "p3"}) {
    v1::Project project = MakeProject(id, "cantine");
    project.mutable_restricted()->set_procurement_notes("Marché subséquent");
    projects.push_back(project);
  }
  ASSERT_THAT(origin->Import(projects, {}).status(), IsOk());
  rocksdb::WriteBatch corrupt;
  corrupt.Put(replica->db()->family(Family::kRecords), RecordKey(RecordKind::kPublic, "p2"), "not a log key");
  ASSERT_THAT(replica->db()->Write(&corrupt), IsOk());
}

// A run that fails while it is staged is dropped with its group, halfway
// through: none of its changes may come along with the group after it.
TEST_F(RemoteApplyTest, ARunThatFailsWhileStagedLeavesNothingBehind) {
  // The replica's reference for p2 is unreadable: staging the public run
  // fails there, after p1's record and entry were staged.
  ImportThreeWithAnUnreadableReplicaReference(origin_.get(), replica_.get());

  std::vector<VerifiedRun> runs;
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED}) {
    auto entries = origin_->ReadLog(kOrigin, tier, 0, 1);
    ASSERT_THAT(entries.status(), IsOk());
    runs.push_back(Verified(*entries));
  }
  std::vector<absl::StatusOr<int64_t>> results = replica_->ApplyVerified(std::move(runs));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_THAT(results[0].status(), StatusIs(absl::StatusCode::kDataLoss));
  ASSERT_THAT(results[1].status(), IsOk());
  EXPECT_EQ(*results[1], 3);

  // Read from the database: no record, entry, frontier or posting of the public run.
  auto p1 = replica_->db()->Get(Family::kRecords, RecordKey(RecordKind::kPublic, "p1"));
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_FALSE(p1->has_value());
  auto public_log = replica_->ReadLog(kOrigin, v1::TIER_PUBLIC, 0, 1000);
  ASSERT_THAT(public_log.status(), IsOk());
  EXPECT_THAT(*public_log, IsEmpty());
  auto frontier = replica_->Frontier();
  ASSERT_THAT(frontier.status(), IsOk());
  ASSERT_EQ(frontier->size(), 1u);
  EXPECT_EQ(frontier->front().tier(), v1::TIER_RESTRICTED);
  v1::SearchRequest request;
  request.set_query("cantine");
  auto found = replica_->Search(request);
  ASSERT_THAT(found.status(), IsOk());
  EXPECT_EQ(found->total_matches(), 0);
  // The restricted run was written whole.
  auto p3 = replica_->db()->Get(Family::kRecords, RecordKey(RecordKind::kRestricted, "p3"));
  ASSERT_THAT(p3.status(), IsOk());
  EXPECT_TRUE(p3->has_value());
}

// The runs staged into the group before the one that fails are not lost
// with it: they are staged again without it and committed.
TEST_F(RemoteApplyTest, TheRunsBeforeARunThatFailsWhileStagedAreApplied) {
  ImportThreeWithAnUnreadableReplicaReference(origin_.get(), replica_.get());
  ASSERT_THAT(origin_->PutProject(MakeProject("p4", "cantine")).status(), IsOk());

  // The restricted run, then the public run that fails at p2, then p4's.
  std::vector<VerifiedRun> runs;
  auto restricted = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 0, 1000);
  ASSERT_THAT(restricted.status(), IsOk());
  runs.push_back(Verified(*restricted));
  auto first_public = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 0, 3);
  ASSERT_THAT(first_public.status(), IsOk());
  runs.push_back(Verified(*first_public));
  auto later_public = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, 3, 1);
  ASSERT_THAT(later_public.status(), IsOk());
  runs.push_back(Verified(*later_public));
  std::vector<absl::StatusOr<int64_t>> results = replica_->ApplyVerified(std::move(runs));
  ASSERT_EQ(results.size(), 3u);
  ASSERT_THAT(results[0].status(), IsOk());
  EXPECT_EQ(*results[0], 3);
  EXPECT_THAT(results[1].status(), StatusIs(absl::StatusCode::kDataLoss));
  // p4's run does not join a chain whose seqs 1-3 are missing.
  EXPECT_FALSE(results[2].ok());
  for (const char* id : {"p1", "p2", "p3"}) {
    auto restricted_record = replica_->db()->Get(Family::kRecords, RecordKey(RecordKind::kRestricted, id));
    ASSERT_THAT(restricted_record.status(), IsOk());
    EXPECT_TRUE(restricted_record->has_value()) << id;
  }
  auto p1 = replica_->db()->Get(Family::kRecords, RecordKey(RecordKind::kPublic, "p1"));
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_FALSE(p1->has_value());
  auto frontier = replica_->Frontier();
  ASSERT_THAT(frontier.status(), IsOk());
  ASSERT_EQ(frontier->size(), 1u);
  EXPECT_EQ(frontier->front().tier(), v1::TIER_RESTRICTED);
  EXPECT_EQ(frontier->front().seq(), 3u);
}

// New documents of a run are indexed term by term from the receiver's
// grouping, updates document by document: both must give the index the
// origin built one write at a time.
TEST_F(RemoteApplyTest, AReplicaSearchesLikeItsOrigin) {
  const std::vector<std::string> words = {"cantine", "eau", "fuites", "pollution", "prévision", "réseau", "solaire",
                                          "toitures", "déchets", "collecte", "mobilité", "vélo"};
  std::vector<v1::Project> projects;
  for (int i = 0; i < 40; ++i) {
    std::string summary;
    for (int w = 0; w < 12; ++w) summary += words[(i * 7 + w * w) % words.size()] + " ";
    projects.push_back(MakeProject("p" + std::to_string(i), words[i % words.size()] + " " + words[(i + 3) % 12],
                                   summary));
  }
  ASSERT_THAT(origin_->Import(projects, {}).status(), IsOk());
  // Then an update, a deletion and a deletion followed by a new version of the same id.
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "vélo solaire", "collecte des déchets")).status(), IsOk());
  ASSERT_THAT(origin_->DeleteProject("p2"), IsOk());
  ASSERT_THAT(origin_->DeleteProject("p3"), IsOk());
  ASSERT_THAT(origin_->PutProject(MakeProject("p3", "cantine", "prévision des repas")).status(), IsOk());

  std::vector<VerifiedRun> runs;
  for (uint64_t after = 0;;) {
    std::vector<v1::LogEntry> run = PublicRun(after);
    if (run.empty()) break;
    after = run.back().seq();
    runs.push_back(Verified(std::move(run)));
  }
  ASSERT_EQ(runs.size(), 5u);  // the import, the update, the two deletions, the new p3
  for (const auto& result : replica_->ApplyVerified(std::move(runs))) ASSERT_THAT(result.status(), IsOk());

  for (const std::string query : {"cantine", "eau fuites", "vélo", "prévision repas", "déchets", "solaire", "pollu"}) {
    SCOPED_TRACE(query);
    v1::SearchRequest request;
    request.set_query(query);
    request.set_page_size(100);
    auto expected = origin_->Search(request);
    auto got = replica_->Search(request);
    ASSERT_THAT(expected.status(), IsOk());
    ASSERT_THAT(got.status(), IsOk());
    EXPECT_GT(expected->total_matches(), 0);
    // Equal scores may rank in another order (docnums differ): compare by id.
    const auto scores = [](const v1::SearchResponse& r) {
      std::map<std::string, double> by_id;
      for (const auto& hit : r.hits()) by_id[hit.project().id()] = hit.score();
      return by_id;
    };
    const std::map<std::string, double> want = scores(*expected), have = scores(*got);
    ASSERT_EQ(have.size(), want.size());
    for (const auto& [id, score] : want) {
      ASSERT_TRUE(have.contains(id)) << id;
      EXPECT_NEAR(have.at(id), score, 1e-9) << id;
    }
    EXPECT_EQ(got->facets_size(), expected->facets_size());
  }
  auto p2 = replica_->GetProject("p2");
  EXPECT_THAT(p2.status(), StatusIs(absl::StatusCode::kNotFound));
  auto p3 = replica_->GetProject("p3");
  ASSERT_THAT(p3.status(), IsOk());
  EXPECT_EQ(p3->public_().title_fr(), "cantine");
}

// Runs applied one call each: every run reads what earlier ones committed (in
// one batch per run), not what its own group staged.
TEST_F(RemoteApplyTest, EachRunReadsTheRecordsStoredBeforeIt) {
  // The replica owns p5 before the origin's p5 arrives: it keeps it.
  ASSERT_THAT(replica_->PutProject(MakeProject("p5", "le vélo de la réplique")).status(), IsOk());
  std::vector<v1::Project> projects;
  for (int i = 0; i < 8; ++i) projects.push_back(MakeProject("p" + std::to_string(i), "cantine " + std::to_string(i)));
  ASSERT_THAT(origin_->Import(projects, {}).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "toitures solaires")).status(), IsOk());
  ASSERT_THAT(origin_->DeleteProject("p2"), IsOk());
  ASSERT_THAT(origin_->PutProject(MakeProject("p5", "cantine de l'origine, modifiée")).status(), IsOk());

  const int64_t conflicts_before = replica_->conflicts();
  int applied_runs = 0;
  for (uint64_t after = 0;;) {
    std::vector<v1::LogEntry> run = PublicRun(after);
    if (run.empty()) break;
    after = run.back().seq();
    ASSERT_THAT(replica_->ApplyVerified(Verified(std::move(run))).status(), IsOk());
    ++applied_runs;
  }
  EXPECT_EQ(applied_runs, 4);  // the import, the update, the deletion, the update of p5
  EXPECT_EQ(replica_->conflicts() - conflicts_before, 2);  // p5 of the import and its update
  auto p1 = replica_->GetProject("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_EQ(p1->public_().title_fr(), "toitures solaires");
  EXPECT_THAT(replica_->GetProject("p2").status(), StatusIs(absl::StatusCode::kNotFound));
  auto p5 = replica_->GetProject("p5");
  ASSERT_THAT(p5.status(), IsOk());
  EXPECT_EQ(p5->public_().title_fr(), "le vélo de la réplique");
  // The index followed: the old title of p1 no longer matches, its new one does.
  v1::SearchRequest request;
  request.set_query("toitures");
  auto found = replica_->Search(request);
  ASSERT_THAT(found.status(), IsOk());
  ASSERT_EQ(found->hits_size(), 1);
  EXPECT_EQ(found->hits(0).project().id(), "p1");
  request.set_query("cantine");
  found = replica_->Search(request);
  ASSERT_THAT(found.status(), IsOk());
  EXPECT_EQ(found->total_matches(), 5);  // p0, p3, p4, p6, p7: not p1 (renamed), p2 (deleted), p5 (the replica's)
}

TEST_F(RemoteApplyTest, RevocationsReplicateAndOnlyTheIssuerRevokesItsTokens) {
  ASSERT_THAT(origin_->RevokeToken("0123456789abcdef0123456789abcdef"), IsOk());
  ASSERT_THAT(origin_->RevokeToken("0123456789abcdef0123456789abcdef"), IsOk());  // again: nothing new
  std::vector<v1::LogEntry> entries = PublicRun(0);
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_THAT(replica_->ApplyVerified(Verified(entries)).status(), IsOk());
  auto revoked = replica_->IsRevoked(kOrigin, "0123456789abcdef0123456789abcdef");
  ASSERT_THAT(revoked.status(), IsOk());
  EXPECT_TRUE(*revoked);
  revoked = replica_->IsRevoked("replica-b", "0123456789abcdef0123456789abcdef");
  ASSERT_THAT(revoked.status(), IsOk());
  EXPECT_FALSE(*revoked);
  auto own = origin_->RevokedByThisNode();
  ASSERT_THAT(own.status(), IsOk());
  EXPECT_THAT(*own, ::testing::ElementsAre("0123456789abcdef0123456789abcdef"));

  // Another node writing a revocation of origin-a's token, correctly chained
  // and signed by itself: refused.
  v1::LogEntry forged = entries[0];
  forged.set_origin("relay");
  forged.set_seq(1);
  forged.clear_prev_hash();
  v1::StoredRecord record;
  ASSERT_TRUE(record.ParseFromString(forged.payload()));
  record.mutable_revocation()->set_token_id("fedcba9876543210fedcba9876543210");
  forged.set_key(RevocationKey(kOrigin, "fedcba9876543210fedcba9876543210"));
  forged.set_payload(record.SerializeAsString());
  forged.set_payload_hash(Sha256(forged.payload()));
  forged.clear_signature();
  forged.set_signature(NameSigner("relay").Sign(EntryHash(forged)));
  EXPECT_THAT(replica_->VerifyRemote({forged}, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("revocation")));
}

}  // namespace
}  // namespace bibia::catalog
