// RunApplier: runs a sync received and verified, applied in order on the
// applier's thread; a run that failed verification, or does not join the
// stored chain, stops its log there while the runs before it stay applied.
#include "node/run_applier.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/catalog/replication_test_util.h"

namespace bibia::node {
namespace {

using catalog::kOrigin;

constexpr char kLog[] = "origin-a/public";

class RunApplierTest : public catalog::OriginAndReplicaTest {
 protected:
  // Three imports on the origin: public runs of 2, 1 and 2 entries.
  void SetUp() override {
    OriginAndReplicaTest::SetUp();
    ImportOnOrigin({"p1", "p2"});
    ImportOnOrigin({"p3"});
    ImportOnOrigin({"p4", "p5"});
    for (uint64_t after = 0; after < 5;) {
      runs_.push_back(PublicRun(after));
      ASSERT_FALSE(runs_.back().empty());
      after = runs_.back().back().seq();
    }
    ASSERT_EQ(runs_.size(), 3u);
  }

  void Enqueue(RunApplier* applier, size_t i) {
    applier->Enqueue(kLog, Verified(runs_[i]), static_cast<int64_t>(runs_[i].size()));
  }

  std::vector<std::vector<v1::LogEntry>> runs_;
};

TEST_F(RunApplierTest, AppliesEveryRunInOrder) {
  RunApplier applier(replica_.get(), kOrigin);
  for (size_t i = 0; i < runs_.size(); ++i) Enqueue(&applier, i);
  const RunApplier::Totals totals = applier.Finish();
  EXPECT_EQ(totals.applied, 5);
  EXPECT_EQ(totals.rejected, 0);
  EXPECT_EQ(totals.stopped_logs, 0u);
  EXPECT_FALSE(applier.Stopped(kLog));
  EXPECT_EQ(ReplicaPublicSeq(), 5u);
  auto project = replica_->GetProject("p5");
  EXPECT_TRUE(project.ok()) << project.status();
}

TEST_F(RunApplierTest, AFailedVerificationStopsItsLogAfterTheRunsBeforeIt) {
  RunApplier applier(replica_.get(), kOrigin);
  Enqueue(&applier, 0);
  applier.Enqueue(kLog, absl::DataLossError("entry origin-a/TIER_PUBLIC/3: payload does not match its hash"), 1);
  Enqueue(&applier, 2);  // after the refused run: dropped, never applied
  const RunApplier::Totals totals = applier.Finish();
  EXPECT_EQ(totals.applied, 2);
  EXPECT_EQ(totals.rejected, 3);
  EXPECT_EQ(totals.stopped_logs, 1u);
  EXPECT_TRUE(applier.Stopped(kLog));
  EXPECT_EQ(ReplicaPublicSeq(), 2u);
  EXPECT_FALSE(replica_->GetProject("p4").ok());
}

TEST_F(RunApplierTest, ARunThatDoesNotJoinTheStoredChainIsRejected) {
  RunApplier applier(replica_.get(), kOrigin);
  Enqueue(&applier, 1);  // seq 3 on an empty replica: entries 1 and 2 are missing
  Enqueue(&applier, 2);
  const RunApplier::Totals totals = applier.Finish();
  EXPECT_EQ(totals.applied, 0);
  EXPECT_EQ(totals.rejected, 3);
  EXPECT_EQ(totals.stopped_logs, 1u);
  EXPECT_EQ(ReplicaPublicSeq(), 0u);
}

TEST_F(RunApplierTest, AFullQueueMakesTheSenderWaitWithoutLosingRuns) {
  RunApplier applier(replica_.get(), kOrigin, /*max_queued=*/1);
  for (size_t i = 0; i < runs_.size(); ++i) Enqueue(&applier, i);
  EXPECT_EQ(applier.Finish().applied, 5);
  EXPECT_EQ(ReplicaPublicSeq(), 5u);
}

}  // namespace
}  // namespace bibia::node
