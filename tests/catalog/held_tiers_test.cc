// Store::HoldTiersUpTo: a replica whose roster tier is lowered drops
// what it holds of other origins above it, keeps its own, refuses such
// entries afterwards, and pulls them from scratch once the tier is raised.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include "catalog/store.h"
#include "catalog/keys.h"
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

v1::Project FullProject(const std::string& id) {
  v1::Project p = MakeProject(id, "Cantine " + id, "Prévision des repas");
  p.mutable_restricted()->set_procurement_notes("notes restreintes " + id);
  p.mutable_expert()->set_source_repository("https://git.example.org/" + id);
  return p;
}

v1::Feedback FeedbackOn(const std::string& project_id, const std::string& text) {
  v1::Feedback f;
  f.set_project_id(project_id);
  f.set_kind(v1::FEEDBACK_KIND_LESSON);
  f.set_text(text);
  return f;
}

class HeldTiersTest : public OriginAndReplicaTest {
 protected:
  // Everything of `tier` the origin has, applied on the replica.
  absl::StatusOr<int64_t> Replicate(v1::Tier tier) {
    auto entries = origin_->ReadLog(kOrigin, tier, 0, 1'000'000);
    if (!entries.ok()) return entries.status();
    return replica_->ApplyRemote(std::move(*entries), verifier_);
  }

  // The replica's frontier of the origin, by tier.
  std::map<v1::Tier, uint64_t> OriginFrontier() {
    std::map<v1::Tier, uint64_t> out;
    auto frontier = replica_->Frontier();
    EXPECT_THAT(frontier.status(), IsOk());
    for (const auto& f : *frontier) {
      if (f.origin() == kOrigin) out[f.tier()] = f.seq();
    }
    return out;
  }

  // Keys of the replica's log family in the origin's log of `tier`.
  int CountLogKeys(v1::Tier tier) {
    const std::string prefix = FrontierKey(kOrigin, tier);
    std::unique_ptr<rocksdb::Iterator> it = replica_->db()->NewIterator(Family::kLog);
    int n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
    return n;
  }

  int64_t FeedbackCount() {
    auto stats = replica_->Stats();
    EXPECT_THAT(stats.status(), IsOk());
    return stats->feedback();
  }
};

TEST_F(HeldTiersTest, LoweredTierDropsOtherOriginsDataAboveItAndKeepsOwn) {
  ASSERT_THAT(origin_->Import({FullProject("p1"), FullProject("p2")}, {}).status(), IsOk());
  ASSERT_THAT(origin_->AddFeedback(FeedbackOn("p1", "retour de l'origine")).status(), IsOk());
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    ASSERT_THAT(Replicate(tier).status(), IsOk()) << v1::Tier_Name(tier);
  }
  // The replica's own project and its own feedback on the origin's project.
  ASSERT_THAT(replica_->PutProject(FullProject("own-1")).status(), IsOk());
  ASSERT_THAT(replica_->AddFeedback(FeedbackOn("p1", "retour du réplica")).status(), IsOk());
  const auto before = OriginFrontier();
  ASSERT_EQ(before.size(), 3u);
  const int restricted_entries = CountLogKeys(v1::TIER_RESTRICTED);
  const int expert_entries = CountLogKeys(v1::TIER_EXPERT);
  ASSERT_GT(restricted_entries, 0);
  ASSERT_GT(expert_entries, 0);
  ASSERT_EQ(FeedbackCount(), 2);

  auto dropped = replica_->HoldTiersUpTo(v1::TIER_PUBLIC);
  ASSERT_THAT(dropped.status(), IsOk());
  EXPECT_EQ(dropped->logs, 2);
  EXPECT_EQ(dropped->entries, restricted_entries + expert_entries);
  EXPECT_EQ(dropped->records, 2 + 2 + 1);  // two restricted and two expert facets, one feedback

  EXPECT_EQ(CountLogKeys(v1::TIER_RESTRICTED), 0);
  EXPECT_EQ(CountLogKeys(v1::TIER_EXPERT), 0);
  EXPECT_EQ(OriginFrontier(), (std::map<v1::Tier, uint64_t>{{v1::TIER_PUBLIC, before.at(v1::TIER_PUBLIC)}}));
  auto p1 = replica_->GetProject("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_EQ(p1->public_().title_fr(), "Cantine p1");
  EXPECT_FALSE(p1->has_restricted());
  EXPECT_FALSE(p1->has_expert());
  auto own = replica_->GetProject("own-1");
  ASSERT_THAT(own.status(), IsOk());
  EXPECT_TRUE(own->has_restricted());
  EXPECT_TRUE(own->has_expert());
  auto feedback = replica_->ListFeedback("p1");
  ASSERT_THAT(feedback.status(), IsOk());
  ASSERT_EQ(feedback->size(), 1u);
  EXPECT_EQ((*feedback)[0].text(), "retour du réplica");
  EXPECT_EQ(FeedbackCount(), 1);

  // Runs above the tier, verified before the change, are skipped from now on.
  auto skipped = Replicate(v1::TIER_RESTRICTED);
  ASSERT_THAT(skipped.status(), IsOk());
  EXPECT_EQ(*skipped, 0);
  EXPECT_EQ(CountLogKeys(v1::TIER_RESTRICTED), 0);
  EXPECT_EQ(OriginFrontier().count(v1::TIER_RESTRICTED), 0u);
  // Public entries still apply.
  ASSERT_THAT(origin_->PutProject(FullProject("p3")).status(), IsOk());
  EXPECT_THAT(Replicate(v1::TIER_PUBLIC).status(), IsOk());
  EXPECT_THAT(replica_->GetProject("p3").status(), IsOk());

  // Nothing more to drop: the second call changes nothing.
  auto again = replica_->HoldTiersUpTo(v1::TIER_PUBLIC);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->logs + again->entries + again->records, 0);

  // Raised again: the dropped logs are pulled from their first entry.
  auto raised = replica_->HoldTiersUpTo(v1::TIER_EXPERT);
  ASSERT_THAT(raised.status(), IsOk());
  EXPECT_EQ(raised->logs, 0);
  ASSERT_THAT(Replicate(v1::TIER_RESTRICTED).status(), IsOk());
  ASSERT_THAT(Replicate(v1::TIER_EXPERT).status(), IsOk());
  p1 = replica_->GetProject("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_EQ(p1->restricted().procurement_notes(), "notes restreintes p1");
  EXPECT_EQ(p1->expert().source_repository(), "https://git.example.org/p1");
  EXPECT_EQ(FeedbackCount(), 2);
}

TEST_F(HeldTiersTest, RestrictedKeepsRestrictedAndDropsExpert) {
  ASSERT_THAT(origin_->Import({FullProject("p1")}, {}).status(), IsOk());
  ASSERT_THAT(origin_->AddFeedback(FeedbackOn("p1", "retour")).status(), IsOk());
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    ASSERT_THAT(Replicate(tier).status(), IsOk()) << v1::Tier_Name(tier);
  }
  auto dropped = replica_->HoldTiersUpTo(v1::TIER_RESTRICTED);
  ASSERT_THAT(dropped.status(), IsOk());
  EXPECT_EQ(dropped->logs, 1);
  EXPECT_EQ(dropped->records, 1);
  auto p1 = replica_->GetProject("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_TRUE(p1->has_restricted());
  EXPECT_FALSE(p1->has_expert());
  EXPECT_EQ(FeedbackCount(), 1);
  EXPECT_GT(CountLogKeys(v1::TIER_RESTRICTED), 0);
  EXPECT_EQ(CountLogKeys(v1::TIER_EXPERT), 0);
}

// A sync that began before the tier was lowered, then raised again, goes on
// with a run past the start of a log the node dropped in between: skipped,
// not reported as a gap the peer left; a later sync starts from seq 1.
TEST_F(HeldTiersTest, ARunPastTheStartOfADroppedLogIsSkippedNotRejected) {
  ASSERT_THAT(origin_->Import({FullProject("p1")}, {}).status(), IsOk());
  ASSERT_THAT(origin_->Import({FullProject("p2")}, {}).status(), IsOk());
  auto log = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 0, 1);
  ASSERT_THAT(log.status(), IsOk());
  ASSERT_EQ(log->size(), 1u);  // the first import's run
  auto rest = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 1, 1);
  ASSERT_THAT(rest.status(), IsOk());
  ASSERT_EQ(rest->size(), 1u);
  const uint64_t sync_began = replica_->drop_generation();
  auto first = replica_->VerifyRemote(*log, verifier_);
  auto second = replica_->VerifyRemote(*rest, verifier_);  // verified before the change, as in flight
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_THAT(second.status(), IsOk());
  first->set_sync_drop_generation(sync_began);
  second->set_sync_drop_generation(sync_began);
  ASSERT_THAT(replica_->ApplyVerified(*first).status(), IsOk());

  ASSERT_THAT(replica_->HoldTiersUpTo(v1::TIER_PUBLIC).status(), IsOk());
  ASSERT_THAT(replica_->HoldTiersUpTo(v1::TIER_EXPERT).status(), IsOk());
  auto applied = replica_->ApplyVerified(*second);
  ASSERT_THAT(applied.status(), IsOk());
  EXPECT_EQ(*applied, 0);
  EXPECT_EQ(CountLogKeys(v1::TIER_RESTRICTED), 0);
  // The same run from a sync that began after the drop is a gap.
  auto later = replica_->VerifyRemote(*rest, verifier_);
  ASSERT_THAT(later.status(), IsOk());
  later->set_sync_drop_generation(replica_->drop_generation());
  EXPECT_THAT(replica_->ApplyVerified(*later).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("expected seq 1")));
  // From the start, the log applies again; then a gap is a gap once more.
  EXPECT_THAT(Replicate(v1::TIER_RESTRICTED).status(), IsOk());
  EXPECT_EQ(CountLogKeys(v1::TIER_RESTRICTED), 2);
  ASSERT_THAT(origin_->Import({FullProject("p3")}, {}).status(), IsOk());
  ASSERT_THAT(origin_->Import({FullProject("p4")}, {}).status(), IsOk());
  auto past_p3 = origin_->ReadLog(kOrigin, v1::TIER_RESTRICTED, 3, 1);  // p4's run, without p3's
  ASSERT_THAT(past_p3.status(), IsOk());
  EXPECT_THAT(replica_->ApplyRemote(*past_p3, verifier_).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("expected seq 3")));
}

// Whether any file under `dir` contains `needle` (what a scrub must remove).
bool AnyFileContains(const std::string& dir, const std::string& needle) {
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    std::ifstream in(file.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (bytes.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

// A write that removed payloads leaves a marker until they are scrubbed from
// the files; a store opened with the marker still there (a crash in between)
// scrubs first.
TEST_F(HeldTiersTest, APendingScrubIsFinishedWhenTheStoreOpens) {
  const std::string sentinel = "SCRUB-SENTINEL-7f3a9c21e4";
  const std::string db_dir = dir_b_.path();
  Db* db = replica_->db();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE(db->raw()->Put(sync, db->family(Family::kLog), "zz-removed", sentinel).ok());
  ASSERT_TRUE(db->raw()->Flush(rocksdb::FlushOptions(), db->family(Family::kLog)).ok());
  ASSERT_TRUE(AnyFileContains(db_dir, sentinel)) << "the test needs the value in an SST file";
  rocksdb::WriteBatch removal;
  removal.Delete(db->family(Family::kLog), "zz-removed");
  removal.Put(db->family(Family::kMeta), std::string(kMetaScrubPending), "");
  ASSERT_TRUE(db->raw()->Write(sync, &removal).ok());
  replica_.reset();  // the "crash": closed before any scrub
  ASSERT_TRUE(AnyFileContains(db_dir, sentinel));

  Store::Options options;
  options.node_id = "replica-b";
  options.clock = &clock_;
  auto reopened = Store::Open(db_dir, options);
  ASSERT_THAT(reopened.status(), IsOk());
  EXPECT_FALSE(AnyFileContains(db_dir, sentinel));
  auto marker = (*reopened)->db()->Get(Family::kMeta, kMetaScrubPending);
  ASSERT_THAT(marker.status(), IsOk());
  EXPECT_FALSE(marker->has_value()) << "the marker outlived the scrub";
}

TEST_F(HeldTiersTest, ADropLeavesNoScrubPending) {
  ASSERT_THAT(origin_->Import({FullProject("p1")}, {}).status(), IsOk());
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    ASSERT_THAT(Replicate(tier).status(), IsOk()) << v1::Tier_Name(tier);
  }
  ASSERT_TRUE(AnyFileContains(dir_b_.path(), "notes restreintes p1"));  // in the WAL at least
  auto dropped = replica_->HoldTiersUpTo(v1::TIER_PUBLIC);
  ASSERT_THAT(dropped.status(), IsOk());
  ASSERT_EQ(dropped->logs, 2);
  EXPECT_FALSE(AnyFileContains(dir_b_.path(), "notes restreintes p1"));
  auto marker = replica_->db()->Get(Family::kMeta, kMetaScrubPending);
  ASSERT_THAT(marker.status(), IsOk());
  EXPECT_FALSE(marker->has_value());

  // A scrub that failed after a drop (the marker left) is retried by the
  // next call, though nothing is left to drop.
  Db* db = replica_->db();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE(db->raw()->Put(sync, db->family(Family::kMeta), std::string(kMetaScrubPending), "").ok());
  auto again = replica_->HoldTiersUpTo(v1::TIER_PUBLIC);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->logs, 0);
  marker = db->Get(Family::kMeta, kMetaScrubPending);
  ASSERT_THAT(marker.status(), IsOk());
  EXPECT_FALSE(marker->has_value()) << "the pending scrub was not retried";
}

TEST_F(HeldTiersTest, AnUnknownTierIsRefused) {
  EXPECT_THAT(replica_->HoldTiersUpTo(v1::TIER_UNSPECIFIED).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tier")));
}

}  // namespace
}  // namespace bibia::catalog
