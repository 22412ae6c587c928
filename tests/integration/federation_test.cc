// Federation between real bibia-node processes on 127.0.0.1: transitive
// replication, convergence, and what crosses to whom.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/federation_harness.h"

namespace bibia::testing {
namespace {

TEST(FederationTest, ChainReplicatesTransitively) {
  TempDir dir;
  FederationHarness f(dir.path(), 3, {"--gossip-interval", "200ms"});
  ASSERT_TRUE(f.StartAll().ok());
  ASSERT_TRUE(f.InstallRoster().ok());
  // n1 pulls from n0, n2 from n1: n0 and n2 never talk.
  ASSERT_TRUE(f.AddPeer(1, 0).ok());
  ASSERT_TRUE(f.AddPeer(2, 1).ok());
  ASSERT_TRUE(f.Put(0, ThreeFacetProject("chain-project")).ok());
  EXPECT_TRUE(f.WaitForProject(1, "chain-project", absl::Seconds(30))) << f.node(1).log();
  EXPECT_TRUE(f.WaitForProject(2, "chain-project", absl::Seconds(30))) << f.node(2).log();

  // Records of another origin are read-only.
  grpc::Status overwrite = f.Put(2, ThreeFacetProject("chain-project", "changed"));
  EXPECT_EQ(overwrite.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(overwrite);
  EXPECT_THAT(overwrite.error_message(), ::testing::HasSubstr("n0"));

  // Replicated records are searchable like local ones, with all facets for an
  // expert peer. Each tier is a log of its own, applied in its own batch: the
  // public facet can be visible a moment before the others.
  v1::GetProjectRequest get;
  get.set_id("chain-project");
  v1::GetProjectResponse got;
  const absl::Time facets_deadline = absl::Now() + absl::Seconds(30);
  do {
    got.Clear();
    ASSERT_TRUE(f.stubs(2).catalog->GetProject(Context(Bearer(f.admin_token(2))).get(), get, &got).ok());
    if (got.project().has_restricted() && got.project().has_expert()) break;
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < facets_deadline);
  EXPECT_TRUE(got.project().has_restricted());
  EXPECT_TRUE(got.project().has_expert());

  // A delete travels too.
  v1::DeleteProjectRequest del;
  del.set_id("chain-project");
  v1::DeleteProjectResponse deleted;
  ASSERT_TRUE(f.stubs(0).contribute->DeleteProject(Context(Bearer(f.admin_token(0))).get(), del, &deleted).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (f.HasProject(2, "chain-project") && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_FALSE(f.HasProject(2, "chain-project"));
}

}  // namespace
}  // namespace bibia::testing
