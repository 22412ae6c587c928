// Federation between real bibia-node processes on 127.0.0.1: transitive
// replication, convergence, and what crosses to whom.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/federation_harness.h"

namespace bibia::testing {
namespace {

// Three nodes in a chain: n1 pulls from n0, n2 from n1, so n0 and n2 never
// talk; gossip every 200 ms.
class ChainOfThree : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(f.StartAll().ok());
    ASSERT_TRUE(f.InstallRoster().ok());
    ASSERT_TRUE(f.AddPeer(1, 0).ok());
    ASSERT_TRUE(f.AddPeer(2, 1).ok());
  }

  TempDir dir;
  FederationHarness f{dir.path(), 3, {"--gossip-interval", "200ms"}};
};

using FederationTest = ChainOfThree;

TEST_F(FederationTest, ChainReplicatesTransitively) {
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

// The feedback n1 wrote about n0's project goes when n0 deletes the project:
// n1 deletes it on applying the deletion, and n2 (which n0 never talks to)
// gets that from n1. Stats count what is left.
TEST_F(FederationTest, DeletingAProjectTakesEveryMembersFeedbackAlong) {
  ASSERT_TRUE(f.Put(0, ThreeFacetProject("feedback-project")).ok());
  ASSERT_TRUE(f.WaitForProject(1, "feedback-project", absl::Seconds(30))) << f.node(1).log();
  v1::AddFeedbackRequest add;
  add.mutable_feedback()->set_project_id("feedback-project");
  add.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_LESSON);
  add.mutable_feedback()->set_text("Retour de n1");
  v1::AddFeedbackResponse added;
  grpc::Status s = f.stubs(1).contribute->AddFeedback(Context(Bearer(f.admin_token(1))).get(), add, &added);
  ASSERT_TRUE(s.ok()) << Describe(s);

  // Feedback on node `i`: how many n1 wrote, and the node's feedback total.
  const auto feedback_on = [&](int i) {
    v1::ListFeedbackRequest list;
    list.set_project_id("feedback-project");
    v1::ListFeedbackResponse listed;
    grpc::Status got = f.stubs(i).catalog->ListFeedback(Context(Bearer(f.admin_token(i))).get(), list, &listed);
    v1::StatsResponse stats;
    (void)f.stubs(i).catalog->Stats(Context(Bearer(f.admin_token(i))).get(), v1::StatsRequest(), &stats);
    return std::pair<int, int64_t>(got.ok() ? listed.feedback_size() : -1, stats.feedback());
  };
  const auto wait_for = [&](int i, std::pair<int, int64_t> expected) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (feedback_on(i) != expected && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
    return feedback_on(i);
  };
  EXPECT_EQ(wait_for(2, {1, 1}), (std::pair<int, int64_t>(1, 1))) << f.node(2).log();

  v1::DeleteProjectRequest del;
  del.set_id("feedback-project");
  v1::DeleteProjectResponse deleted;
  s = f.stubs(0).contribute->DeleteProject(Context(Bearer(f.admin_token(0))).get(), del, &deleted);
  ASSERT_TRUE(s.ok()) << Describe(s);
  // Once the project is gone, listing its feedback is NOT_FOUND (-1); the
  // totals come down to 0 on both.
  EXPECT_EQ(wait_for(1, {-1, 0}), (std::pair<int, int64_t>(-1, 0))) << f.node(1).log();
  EXPECT_EQ(wait_for(2, {-1, 0}), (std::pair<int, int64_t>(-1, 0))) << f.node(2).log();

  // Created again by its owner, the project comes back without the old feedback.
  ASSERT_TRUE(f.Put(0, ThreeFacetProject("feedback-project")).ok());
  ASSERT_TRUE(f.WaitForProject(2, "feedback-project", absl::Seconds(30))) << f.node(2).log();
  EXPECT_EQ(feedback_on(2), (std::pair<int, int64_t>(0, 0)));
  EXPECT_EQ(feedback_on(1), (std::pair<int, int64_t>(0, 0)));
}

// Two nodes write the same id: the earlier claim owns it on every node, the
// later writer's included, and the conflict is reported.
TEST_F(FederationTest, AnOwnershipConflictIsReportedAndEndsTheSameOnEveryNode) {
  ASSERT_TRUE(f.Put(2, ThreeFacetProject("contested", "n2")).ok());
  ASSERT_TRUE(f.Put(0, ThreeFacetProject("contested", "n0")).ok());
  ASSERT_TRUE(f.WaitForProject(1, "contested", absl::Seconds(30)));
  std::vector<std::string> status = {CliBinary()};
  for (const std::string& flag : f.node(2).CliFlags(f.admin_token(2))) status.push_back(flag);
  status.insert(status.end(), {"federation", "status"});
  CommandResult shown;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  do {
    shown = RunCommand(status);
    if (absl::StrContains(shown.out, "ownership conflicts")) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out, ::testing::HasSubstr("ownership conflicts  ")) << shown.out;
  EXPECT_THAT(f.node(2).log(), ::testing::HasSubstr("msg=\"ownership conflict\""));
  // n2 wrote first: once n2's log can reach n1 and n0 too (peers the other
  // way round), its version, contact included, is the project everywhere.
  ASSERT_TRUE(f.AddPeer(1, 2).ok());
  ASSERT_TRUE(f.AddPeer(0, 1).ok());
  const auto contact_on = [&](int i) {
    v1::GetProjectRequest get;
    get.set_id("contested");
    v1::GetProjectResponse got;
    grpc::Status s = f.stubs(i).catalog->GetProject(Context(Bearer(f.admin_token(i))).get(), get, &got);
    return s.ok() && got.project().restricted().contacts_size() == 1 ? got.project().restricted().contacts(0).email()
                                                                     : std::string();
  };
  for (int i : {2, 1, 0}) {
    SCOPED_TRACE(absl::StrCat("node ", i));
    const absl::Time until = absl::Now() + absl::Seconds(30);
    while (contact_on(i) != "n2@testville.example.org" && absl::Now() < until) absl::SleepFor(absl::Milliseconds(50));
    EXPECT_EQ(contact_on(i), "n2@testville.example.org") << f.node(i).log();
  }
  // n0 no longer edits it: the project is n2's there too. It can withdraw
  // its own claim, which the CLI says, and the project stays n2's.
  EXPECT_EQ(f.Put(0, ThreeFacetProject("contested", "n0")).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  std::vector<std::string> withdraw = {CliBinary()};
  for (const std::string& flag : f.node(0).CliFlags(f.admin_token(0))) withdraw.push_back(flag);
  withdraw.insert(withdraw.end(), {"project", "delete", "contested"});
  CommandResult withdrawn = RunCommand(withdraw);
  EXPECT_EQ(withdrawn.exit_code, 0) << withdrawn.err;
  EXPECT_THAT(withdrawn.out, ::testing::HasSubstr("withdrew this node's claim of contested")) << withdrawn.out;
  EXPECT_EQ(contact_on(0), "n2@testville.example.org");
  CommandResult again = RunCommand(withdraw);
  EXPECT_EQ(again.exit_code, 1) << again.out;
  EXPECT_THAT(again.err, ::testing::HasSubstr("belongs to node 'n2'")) << again.err;
}

// A peer that accepts TCP connections and never answers (no TLS handshake):
// `bibia sync --peer` must still hear, within its --timeout, which peer failed
// and why, instead of running out of time itself.
TEST_F(FederationTest, ASyncWithAPeerThatNeverAnswersEndsInTimeNamingIt) {
  // A listening socket nobody accepts on: the kernel completes connections.
  const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(silent, 16), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string endpoint = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  std::vector<std::string> cli = {CliBinary()};
  for (const std::string& flag : f.node(2).CliFlags(f.admin_token(2))) cli.push_back(flag);
  std::vector<std::string> add = cli;
  add.insert(add.end(), {"peer", "add", "n0", "--endpoint", endpoint});
  CommandResult added = RunCommand(add);
  ASSERT_EQ(added.exit_code, 0) << added.err;

  std::vector<std::string> sync = cli;
  sync.insert(sync.end(), {"--timeout", "3", "sync", "--peer", "n0"});
  CommandResult synced = RunCommand(sync, "", 30);
  ::close(silent);
  EXPECT_EQ(synced.exit_code, 1) << synced.err;
  EXPECT_THAT(synced.err, ::testing::HasSubstr("sync with n0: not connected within"));
  // The node answered before the CLI's own deadline ran out.
  EXPECT_THAT(synced.err, ::testing::Not(::testing::HasSubstr("DEADLINE_EXCEEDED")));
  EXPECT_THAT(synced.out, ::testing::HasSubstr("n0"));  // the peer's table
}

// With no gossip timer to speak of, only hints move entries: a node that
// restarts is caught up by its peers' Subscribe streams (a hint as each
// opens), and its subscribers reconnect and are caught up in turn.
// A peer to add is named by a node id of the roster, other than this node's.
TEST_F(FederationTest, APeerToAddMustBeAnotherRosterMember) {
  const auto add = [&](const std::string& node_id) {
    v1::AddPeerRequest request;
    request.mutable_peer()->set_node_id(node_id);
    v1::AddPeerResponse response;
    return f.peers(0).AddPeer(Context(Bearer(f.admin_token(0))).get(), request, &response);
  };
  grpc::Status s = add("Bad Id");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("must match [a-z0-9-]{1,80}"));
  s = add(f.id(0));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  s = add("not-a-member");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Describe(s);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("not in the installed roster"));
  EXPECT_TRUE(add(f.id(2)).ok());
}

// A log whose entries, together, exceed one gRPC message (64 MiB): a sync
// caps its messages in bytes as well as in entries, so a log of many large
// projects still replicates (such a log once stopped replication for good).
// A project is at most 256 KiB (catalog/validate.h): the log is made of
// enough of them, imported ten a message.
TEST(FederationLargeEntriesTest, ALogLargerThanOneMessageReplicates) {
  TempDir dir;
  FederationHarness f(dir.path(), 2, {"--no-gossip"});
  ASSERT_TRUE(f.StartAll().ok());
  ASSERT_TRUE(f.InstallRoster().ok());
  ASSERT_TRUE(f.AddPeer(1, 0).ok());
  std::string item;
  while (item.size() < 19990) item += "réseau ";  // under the 20,000 characters of a list item: ~23 kB
  constexpr int kLarge = 320;  // about 230 kB each: 73 MB in all
  {
    auto context = Context(Bearer(f.admin_token(0)), 120);
    v1::ImportResponse imported;
    auto writer = f.stubs(0).contribute->Import(context.get(), &imported);
    v1::ImportRequest batch;
    for (int n = 0; n < kLarge; ++n) {
      v1::Project* project = batch.add_projects();
      *project = ThreeFacetProject(absl::StrCat("large-", n));
      for (int k = 0; k < 5; ++k) project->mutable_public_()->add_data_sources(item);
      for (int k = 0; k < 4; ++k) project->mutable_expert()->add_artifacts()->set_name(item);
      project->mutable_restricted()->add_vendors(item);
      if (batch.projects_size() == 10 || n == kLarge - 1) {
        batch.set_last(n == kLarge - 1);
        ASSERT_TRUE(writer->Write(batch));
        batch.Clear();
      }
    }
    ASSERT_TRUE(writer->WritesDone());
    grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << Describe(s);
    ASSERT_EQ(imported.imported(), kLarge);
  }
  v1::SyncNowResponse response;
  grpc::Status s =
      f.peers(1).SyncNow(Context(Bearer(f.admin_token(1)), 120).get(), v1::SyncNowRequest(), &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(response.entries_applied(), 3 * kLarge);
  for (const v1::PeerState& peer : response.peers()) EXPECT_EQ(peer.last_error(), "") << peer.peer().node_id();
  v1::StatsResponse stats;
  ASSERT_TRUE(f.stubs(1).catalog->Stats(Context(std::nullopt).get(), v1::StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.projects(), kLarge);
}

// An import is one write batch: its entries of a tier form one run, signed
// at its last entry, and a receiver buffers the run until that entry. A run
// over the receiver's --sync-buffer-mib stops its log for the round, with
// nothing of it applied, while the peer's other logs go on; large signed
// entries pass. (A public facet is at most 128 KiB: the import holds twelve
// projects to make its public run longer than 1 MiB.)
TEST(FederationBufferCapTest, ARunOverTheReceiversBufferCapIsRefusedWhole) {
  TempDir dir;
  FederationHarness f(dir.path(), 2, {"--no-gossip", "--sync-buffer-mib", "1"});
  ASSERT_TRUE(f.StartAll().ok());
  ASSERT_TRUE(f.InstallRoster().ok());
  ASSERT_TRUE(f.AddPeer(1, 0).ok());
  std::string item;
  while (item.size() < 19990) item += "réseau ";
  // About 115 kB of public facet each.
  const auto large = [&](const std::string& id) {
    v1::Project project = ThreeFacetProject(id);
    for (int k = 0; k < 5; ++k) project.mutable_public_()->add_data_sources(item);
    return project;
  };
  const auto sync = [&](v1::SyncNowResponse* response) {
    return f.peers(1).SyncNow(Context(Bearer(f.admin_token(1)), 60).get(), v1::SyncNowRequest(), response);
  };
  // Two single puts: runs of one signed entry each, however large.
  ASSERT_TRUE(f.Put(0, large("single-0")).ok());
  ASSERT_TRUE(f.Put(0, large("single-1")).ok());
  v1::SyncNowResponse first;
  grpc::Status s = sync(&first);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(first.entries_applied(), 6);
  ASSERT_EQ(first.peers_size(), 1);
  EXPECT_EQ(first.peers(0).last_error(), "");

  // One import of twelve: its public run holds eleven unsigned entries of
  // about 1.3 MB before the signed one.
  constexpr int kImported = 12;
  auto context = Context(Bearer(f.admin_token(0)), 60);
  v1::ImportResponse imported;
  auto writer = f.stubs(0).contribute->Import(context.get(), &imported);
  v1::ImportRequest batch;
  for (int n = 0; n < kImported; ++n) *batch.add_projects() = large(absl::StrCat("imported-", n));
  batch.set_last(true);
  ASSERT_TRUE(writer->Write(batch));
  ASSERT_TRUE(writer->WritesDone());
  s = writer->Finish();
  ASSERT_TRUE(s.ok()) << Describe(s);

  v1::SyncNowResponse second;
  s = sync(&second);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_EQ(second.peers_size(), 1);
  EXPECT_THAT(second.peers(0).last_error(),
              ::testing::HasSubstr("more than 1 MiB of entries without a signed entry"));
  EXPECT_THAT(second.peers(0).last_error(), ::testing::HasSubstr("--sync-buffer-mib"));
  for (int n = 0; n < kImported; ++n) EXPECT_FALSE(f.HasProject(1, absl::StrCat("imported-", n))) << n;
  EXPECT_TRUE(f.HasProject(1, "single-0"));
  EXPECT_TRUE(f.HasProject(1, "single-1"));
  // The import's restricted and expert runs are small: applied.
  v1::FederationStatusResponse status;
  s = f.peers(1).Status(Context(Bearer(f.admin_token(1))).get(), v1::FederationStatusRequest(), &status);
  ASSERT_TRUE(s.ok()) << Describe(s);
  std::map<v1::Tier, uint64_t> frontier;
  for (const v1::FrontierEntry& e : status.frontier()) {
    if (e.origin() == f.id(0)) frontier[e.tier()] = e.seq();
  }
  EXPECT_EQ(frontier[v1::TIER_PUBLIC], 2u);
  EXPECT_EQ(frontier[v1::TIER_RESTRICTED], 2u + kImported);
  EXPECT_EQ(frontier[v1::TIER_EXPERT], 2u + kImported);
  EXPECT_THAT(f.node(1).log(), ::testing::HasSubstr("run longer than --sync-buffer-mib"));
}

TEST(FederationRestartTest, ARestartedRelayIsCaughtUpByHintsAlone) {
  TempDir dir;
  FederationHarness f{dir.path(), 3, {"--gossip-interval", "1h"}};
  ASSERT_TRUE(f.StartAll().ok());
  ASSERT_TRUE(f.InstallRoster().ok());
  ASSERT_TRUE(f.AddPeer(1, 0).ok());
  ASSERT_TRUE(f.AddPeer(2, 1).ok());
  ASSERT_TRUE(f.Put(0, ThreeFacetProject("before-restart")).ok());
  ASSERT_TRUE(f.WaitForProject(2, "before-restart", absl::Seconds(30))) << f.node(2).log();

  f.Stop(1);
  ASSERT_TRUE(f.Put(0, ThreeFacetProject("while-down")).ok());
  absl::SleepFor(absl::Seconds(2));  // n2's subscriber to n1 fails meanwhile
  const std::string address = f.node(1).address();
  ASSERT_TRUE(f.Start(1).ok());
  ASSERT_EQ(f.node(1).address(), address) << "n1 came back elsewhere: its peers would not find it";
  EXPECT_TRUE(f.WaitForProject(1, "while-down", absl::Seconds(30))) << f.node(1).log();
  EXPECT_TRUE(f.WaitForProject(2, "while-down", absl::Seconds(30))) << f.node(2).log();
}

// A token one node issued is accepted by the others; revoking it on its
// issuer must reach them all, through a relay too.
TEST_F(FederationTest, ARevocationReachesEveryNodeThatAcceptsTheToken) {
  v1::IssueTokenRequest issue;
  issue.set_subject("analyste@n0");
  issue.set_tier(v1::TIER_RESTRICTED);
  issue.set_role(v1::ROLE_READER);
  v1::IssueTokenResponse issued;
  grpc::Status s = f.stubs(0).admin->IssueToken(Context(Bearer(f.admin_token(0))).get(), issue, &issued);
  ASSERT_TRUE(s.ok()) << Describe(s);
  const auto stats_with_token = [&](int node) {
    v1::StatsResponse stats;
    return f.stubs(node).catalog->Stats(Context(Bearer(issued.token())).get(), v1::StatsRequest(), &stats);
  };
  for (int node : {0, 1, 2}) {
    grpc::Status accepted = stats_with_token(node);
    EXPECT_TRUE(accepted.ok()) << f.id(node) << ": " << Describe(accepted);
  }

  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(issued.claims().token_id());
  v1::RevokeTokenResponse revoked;
  s = f.stubs(0).admin->RevokeToken(Context(Bearer(f.admin_token(0))).get(), revoke, &revoked);
  ASSERT_TRUE(s.ok()) << Describe(s);
  for (int node : {0, 1, 2}) {
    grpc::Status refused = stats_with_token(node);
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (refused.ok() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(50));
      refused = stats_with_token(node);
    }
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED) << f.id(node) << ": " << Describe(refused);
    EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("revoked")) << f.id(node);
  }

  // n2 revoking n0's token refuses it on n2 only: its revocation travels as
  // its own (here to n0, which now pulls from n2), and counts only there.
  ASSERT_TRUE(f.AddPeer(0, 2).ok());
  issue.set_subject("analyste2@n0");
  s = f.stubs(0).admin->IssueToken(Context(Bearer(f.admin_token(0))).get(), issue, &issued);
  ASSERT_TRUE(s.ok()) << Describe(s);
  revoke.set_token_id(issued.claims().token_id());
  s = f.stubs(2).admin->RevokeToken(Context(Bearer(f.admin_token(2))).get(), revoke, &revoked);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(stats_with_token(2).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  const auto n0_holds_n2_public_log = [&] {
    v1::FederationStatusResponse status;
    if (!f.peers(0).Status(Context(Bearer(f.admin_token(0))).get(), v1::FederationStatusRequest(), &status).ok()) {
      return false;
    }
    for (const auto& entry : status.frontier()) {
      if (entry.origin() == f.id(2) && entry.tier() == v1::TIER_PUBLIC && entry.seq() >= 1) return true;
    }
    return false;
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!n0_holds_n2_public_log() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
  ASSERT_TRUE(n0_holds_n2_public_log()) << "n2's revocation never reached n0";
  grpc::Status still_accepted = stats_with_token(0);
  EXPECT_TRUE(still_accepted.ok()) << Describe(still_accepted);
}

}  // namespace
}  // namespace bibia::testing
