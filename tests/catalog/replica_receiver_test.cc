// ReplicaReceiver on a database of its own, driven through its interface:
// runs verified, applied, held aside and committed together. What it wrote
// is read back through a Store opened on that database once it is closed.
// The same paths through Store's Replica calls are in remote_apply_test.cc.
#include "catalog/replica_receiver.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "catalog/db.h"
#include "catalog/log_writer.h"
#include "catalog/search_index.h"
#include "catalog/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/replication_test_util.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kReceiver[] = "replica-r";

// Two origins (origin-a, origin-x: TwoOriginsTest) and a receiver of node
// "replica-r" over its own database and index, with the store's part of a
// commit (Context::committed) recorded instead of done.
class ReplicaReceiverTest : public TwoOriginsTest {
 protected:
  void SetUp() override {
    TwoOriginsTest::SetUp();
    auto db = Db::Open(dir_r_.path(), Db::Options{});
    ASSERT_THAT(db.status(), IsOk());
    db_ = std::move(*db);
    auto index = SearchIndex::Load(db_.get());
    ASSERT_THAT(index.status(), IsOk());
    index_ = std::move(*index);
    receiver_ = std::make_unique<ReplicaReceiver>(ReplicaReceiver::Context{
        .db = db_.get(),
        .index = index_.get(),
        .node_id = kReceiver,
        .write_mu = &write_mu_,
        .stage_scrub_marker = [](v1::Tier, rocksdb::WriteBatch*) { return absl::OkStatus(); },
        .committed =
            [this](const ReplicaReceiver::Committed& group) {
              commits_.push_back(group.hlc);
              return absl::OkStatus();
            },
        .scrub = [] { return absl::OkStatus(); },
    });
    absl::MutexLock lock(&write_mu_);
    ASSERT_THAT(receiver_->LoadAsideIds(), IsOk());
  }

  // `entries` verified by the receiver (with origin-a's and origin-x's keys).
  VerifiedRun Received(std::vector<v1::LogEntry> entries) {
    auto run = receiver_->VerifyRemote(std::move(entries), verifier_, v1::TIER_EXPERT);
    EXPECT_THAT(run.status(), IsOk());
    return run.ok() ? std::move(*run) : VerifiedRun();
  }

  // Closes the receiver and opens its database as node replica-r's store.
  std::unique_ptr<Store> CloseAndOpenStore() {
    receiver_.reset();
    index_.reset();
    db_.reset();
    Store::Options options;
    options.node_id = kReceiver;
    options.clock = &clock_;
    auto store = Store::Open(dir_r_.path(), options);
    EXPECT_THAT(store.status(), IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }

  // The seq the frontier of `store` holds for (origin, public); 0 if none.
  static uint64_t PublicSeqOf(Store* store, const std::string& origin) {
    auto frontier = store->Frontier();
    EXPECT_THAT(frontier.status(), IsOk());
    for (const v1::FrontierEntry& f : *frontier) {
      if (f.origin() == origin && f.tier() == v1::TIER_PUBLIC) return f.seq();
    }
    return 0;
  }

  ScopedTempDir dir_r_;
  absl::Mutex write_mu_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<SearchIndex> index_;
  std::unique_ptr<ReplicaReceiver> receiver_;
  std::vector<int64_t> commits_;  // the hlc of each group committed, in order
};

TEST_F(ReplicaReceiverTest, AVerifiedRunIsAppliedInOneCommit) {
  ImportOnOrigin({"p1", "p2"});
  VerifiedRun run = Received(PublicRun(0));
  ASSERT_EQ(run.size(), 2u);
  auto applied = receiver_->ApplyVerified(run);
  ASSERT_THAT(applied.status(), IsOk());
  EXPECT_EQ(*applied, 2);
  ASSERT_EQ(commits_.size(), 1u);
  EXPECT_GT(commits_[0], 0) << "the group's time goes to the store's clock";
  EXPECT_EQ(receiver_->conflicts(), 0);

  // Applied again: every entry is at or below the frontier, nothing is written.
  applied = receiver_->ApplyVerified(run);
  ASSERT_THAT(applied.status(), IsOk());
  EXPECT_EQ(*applied, 0);
  EXPECT_EQ(commits_.size(), 1u);

  std::unique_ptr<Store> store = CloseAndOpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(PublicSeqOf(store.get(), kOrigin), 2u);
  auto p1 = store->GetProject("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_EQ(p1->public_().title_fr(), "Cantine p1");
  EXPECT_THAT(Finds(store.get(), "cantine"), UnorderedElementsAre("p1", "p2"));
}

// origin-x claims p1 first, origin-a later. The receiver gets origin-x's run
// first: origin-a's facet is a conflict, held aside, not dropped; once
// origin-x deletes p1, origin-a's claim is the project.
TEST_F(ReplicaReceiverTest, ARunWhoseClaimConflictsIsHeldAside) {
  ASSERT_THAT(other_->PutProject(MakeProject("p1", "Autre tramway")).status(), IsOk());
  ASSERT_THAT(origin_->PutProject(MakeProject("p1", "Cantine p1")).status(), IsOk());
  auto x_applied = receiver_->ApplyVerified(Received(LogOf(other_.get(), v1::TIER_PUBLIC)));
  ASSERT_THAT(x_applied.status(), IsOk());
  auto a_applied = receiver_->ApplyVerified(Received(PublicRun(0)));
  ASSERT_THAT(a_applied.status(), IsOk());
  EXPECT_EQ(*a_applied, 1) << "the entry joins origin-a's log here all the same";
  EXPECT_EQ(receiver_->conflicts(), 1);

  ASSERT_THAT(other_->DeleteProject("p1"), IsOk());
  auto deletion = other_->ReadLog("origin-x", v1::TIER_PUBLIC, 1, 1000);
  ASSERT_THAT(deletion.status(), IsOk());
  std::unique_ptr<Store> store = CloseAndOpenStore();
  ASSERT_NE(store, nullptr);
  auto p1 = store->GetProject("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_EQ(p1->public_().title_fr(), "Autre tramway");
  EXPECT_THAT(Finds(store.get(), "cantine"), IsEmpty());
  EXPECT_EQ(PublicSeqOf(store.get(), kOrigin), 1u);

  // The store serves the same receiver: the deletion through its Replica calls.
  auto verified = store->VerifyRemote(*deletion, verifier_);
  ASSERT_THAT(verified.status(), IsOk());
  ASSERT_THAT(store->ApplyVerified(*verified).status(), IsOk());
  p1 = store->GetProject("p1");
  ASSERT_THAT(p1.status(), IsOk());
  EXPECT_EQ(p1->public_().title_fr(), "Cantine p1");
  EXPECT_THAT(Finds(store.get(), "cantine"), ElementsAre("p1"));
}

// Runs of two origins waiting together are committed in one WriteBatch.
TEST_F(ReplicaReceiverTest, SeveralRunsAreCommittedInOneBatch) {
  ImportOnOrigin({"p1", "p2"});
  ImportOnOrigin({"p3"});
  ImportOnOrigin({"p4"});
  ASSERT_THAT(other_->PutProject(MakeProject("q1", "Autre tramway")).status(), IsOk());
  std::vector<VerifiedRun> runs;
  runs.push_back(Received(PublicRun(0)));
  runs.push_back(Received(PublicRun(2)));
  runs.push_back(Received(PublicRun(3)));
  runs.push_back(Received(LogOf(other_.get(), v1::TIER_PUBLIC)));
  std::vector<absl::StatusOr<int64_t>> results = receiver_->ApplyVerified(runs);
  ASSERT_EQ(results.size(), 4u);
  const std::vector<int64_t> expected = {2, 1, 1, 1};
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_THAT(results[i].status(), IsOk()) << "run " << i;
    EXPECT_EQ(*results[i], expected[i]) << "run " << i;
  }
  EXPECT_EQ(commits_.size(), 1u) << "one group, one write";

  std::unique_ptr<Store> store = CloseAndOpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(PublicSeqOf(store.get(), kOrigin), 4u);
  EXPECT_EQ(PublicSeqOf(store.get(), "origin-x"), 1u);
  EXPECT_THAT(Finds(store.get(), "cantine"), UnorderedElementsAre("p1", "p2", "p3", "p4"));
  EXPECT_THAT(Finds(store.get(), "tramway"), ElementsAre("q1"));
}

TEST_F(ReplicaReceiverTest, ARunWhoseSignatureFailsIsRefusedWithNothingWritten) {
  ImportOnOrigin({"p1", "p2"});
  std::vector<v1::LogEntry> forged = PublicRun(0);
  forged.back().set_signature(NameSigner("relay").Sign(EntryHash(forged.back())));
  EXPECT_THAT(receiver_->VerifyRemote(forged, verifier_, v1::TIER_EXPERT).status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("origin-a")));
  EXPECT_TRUE(commits_.empty());

  std::unique_ptr<Store> store = CloseAndOpenStore();
  ASSERT_NE(store, nullptr);
  auto frontier = store->Frontier();
  ASSERT_THAT(frontier.status(), IsOk());
  EXPECT_THAT(*frontier, IsEmpty());
  EXPECT_THAT(store->GetProject("p1").status(), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace bibia::catalog
