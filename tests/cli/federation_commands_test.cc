// The federation commands end to end against in-process fake Peers and
// Contribute services (plaintext, no node): the requests they send, their
// output, and the exit status of `bibia sync` when a peer's round failed.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bibia/v1/catalog_service.grpc.pb.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "cli/errors.h"
#include "cli/json_io.h"
#include "cli/run.h"
#include "cli/sync_progress.h"
#include "gmock/gmock.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kMs = 1'790'000'000'000;  // 2026-09-21 14:13:20 UTC

v1::PeerState Healthy(const std::string& node_id) {
  v1::PeerState state;
  state.mutable_peer()->set_node_id(node_id);
  state.mutable_peer()->set_endpoint(node_id + ":7700");
  state.set_last_attempt_unix_ms(kMs);
  state.set_last_success_unix_ms(kMs);
  state.set_entries_applied(10);
  return state;
}

v1::PeerState Failing(const std::string& node_id, const std::string& error) {
  v1::PeerState state = Healthy(node_id);
  state.set_last_attempt_unix_ms(kMs + 5'000);
  state.set_consecutive_failures(2);
  state.set_last_error(error);
  return state;
}

// Records the requests; answers with the fields set by the test.
class FakePeers final : public v1::Peers::Service {
 public:
  v1::AddPeerRequest add_request;
  v1::RemovePeerRequest remove_request;
  v1::SyncNowRequest sync_request;
  v1::ListPeersResponse peers;       // ListPeers, and the peers of SyncNow
  int64_t applied = 0;               // SyncNow's entries_applied
  grpc::Status sync_status;          // what SyncNow returns
  v1::FederationStatusResponse status_response;
  int sync_ms = 0;                   // how long SyncNow takes at least
  uint64_t sync_until_status_calls = 0;  // and until Status was called this often (at most 10 s)
  uint64_t applied_per_status = 0;   // how far each Status call advances the frontier
  uint64_t status_hangs_from_call = 0;  // from this call on (1-based), Status waits until cancelled (at most 10 s)

  // Seconds to its deadline when the hanging Status call saw it was
  // cancelled (the handler may notice after the client moved on: waits for
  // it, at most 10 s); -1 if it never was.
  double StatusLeftWhenCancelled() {
    std::unique_lock lock(mu_);
    status_called_.wait_for(lock, std::chrono::seconds(10), [&] { return status_left_when_cancelled_ >= -0.5; });
    return status_left_when_cancelled_;
  }

  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  // Seconds from the SyncNow call to its deadline.
  double sync_deadline_seconds() {
    std::lock_guard lock(mu_);
    return sync_deadline_seconds_;
  }

  grpc::Status AddPeer(grpc::ServerContext*, const v1::AddPeerRequest* request,
                       v1::AddPeerResponse*) override {
    Count();
    add_request = *request;
    return grpc::Status::OK;
  }
  grpc::Status RemovePeer(grpc::ServerContext*, const v1::RemovePeerRequest* request,
                          v1::RemovePeerResponse*) override {
    Count();
    remove_request = *request;
    return grpc::Status::OK;
  }
  grpc::Status ListPeers(grpc::ServerContext*, const v1::ListPeersRequest*,
                         v1::ListPeersResponse* response) override {
    Count();
    *response = peers;
    return grpc::Status::OK;
  }
  grpc::Status SyncNow(grpc::ServerContext* context, const v1::SyncNowRequest* request,
                       v1::SyncNowResponse* response) override {
    Count();
    {
      std::lock_guard lock(mu_);
      sync_deadline_seconds_ =
          std::chrono::duration<double>(context->deadline() - std::chrono::system_clock::now())
              .count();
    }
    sync_request = *request;
    std::this_thread::sleep_for(std::chrono::milliseconds(sync_ms));
    {
      std::unique_lock lock(mu_);
      status_called_.wait_for(lock, std::chrono::seconds(10),
                              [&] { return status_calls_ >= sync_until_status_calls; });
    }
    if (!sync_status.ok()) return sync_status;
    response->set_entries_applied(applied);
    // Like the node: the selected peers only.
    for (const v1::PeerState& state : peers.peers()) {
      if (request->node_id().empty() || request->node_id() == state.peer().node_id()) {
        *response->add_peers() = state;
      }
    }
    return grpc::Status::OK;
  }
  grpc::Status Status(grpc::ServerContext* context, const v1::FederationStatusRequest*,
                      v1::FederationStatusResponse* response) override {
    Count();
    bool hang = false;
    {
      std::lock_guard lock(mu_);
      hang = status_hangs_from_call > 0 && status_calls_ + 1 >= status_hangs_from_call;
    }
    for (int i = 0; hang && i < 1000 && !context->IsCancelled(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu_);
    if (hang) {
      status_left_when_cancelled_ =
          std::chrono::duration<double>(context->deadline() - std::chrono::system_clock::now()).count();
      status_called_.notify_all();
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    }
    *response = status_response;
    if (applied_per_status > 0) {
      // Like a node applying a round: its frontier grows between two calls.
      v1::FrontierEntry* entry = response->add_frontier();
      entry->set_origin("rennes");
      entry->set_tier(v1::TIER_PUBLIC);
      entry->set_seq(applied_per_status * status_calls_);
    }
    ++status_calls_;
    status_called_.notify_all();
    return grpc::Status::OK;
  }

 private:
  void Count() {
    std::lock_guard lock(mu_);
    ++calls_;
  }

  std::mutex mu_;
  int calls_ = 0;
  uint64_t status_calls_ = 0;
  double status_left_when_cancelled_ = -1;
  std::condition_variable status_called_;
  double sync_deadline_seconds_ = 0;
};

class FakeContribute final : public v1::Contribute::Service {
 public:
  v1::RedactHistoryRequest redact_request;
  int redact_calls = 0;

  grpc::Status RedactHistory(grpc::ServerContext*, const v1::RedactHistoryRequest* request,
                             v1::RedactHistoryResponse*) override {
    ++redact_calls;
    redact_request = *request;
    return grpc::Status::OK;
  }
};

class FakeNode {
 public:
  FakeNode() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&peers);
    builder.RegisterService(&contribute);
    server_ = builder.BuildAndStart();
  }
  ~FakeNode() { server_->Shutdown(); }

  FakePeers peers;
  FakeContribute contribute;

  struct Result {
    int code;
    std::string out;
    std::string err;
  };

  Result Run(std::vector<std::string> args, bool err_is_tty = false) {
    args.insert(args.begin(),
                {"--insecure", "--timeout", "5", "--node", "127.0.0.1:" + std::to_string(port_)});
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    const int code =
        cli::Run(args, Environment{}, {.in = in, .out = out, .err = err, .err_is_tty = err_is_tty});
    return {code, out.str(), err.str()};
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST(PeerCommandTest, AddSendsTheNodeIdAndTheEndpointIfGiven) {
  FakeNode node;
  FakeNode::Result result = node.Run({"peer", "add", "rennes"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "added peer rennes\n");
  EXPECT_EQ(node.peers.add_request.peer().node_id(), "rennes");
  EXPECT_EQ(node.peers.add_request.peer().endpoint(), "");  // the roster's, on the node

  result = node.Run({"peer", "add", "rennes", "--endpoint", "10.0.0.12:7700"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.peers.add_request.peer().endpoint(), "10.0.0.12:7700");

  result = node.Run({"--json", "peer", "add", "lyon"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "{}\n");
}

TEST(PeerCommandTest, AddRefusesABadEndpointOrAnEmptyIdBeforeCalling) {
  FakeNode node;
  FakeNode::Result result = node.Run({"peer", "add", "rennes", "--endpoint", "rennes"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "bibia: --endpoint: expected HOST:PORT, got 'rennes' (no port)\n"
            "Run 'bibia peer add --help' for usage.\n");
  result = node.Run({"peer", "add", ""});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: NODE_ID: empty\n"));
  result = node.Run({"peer", "add"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: missing argument NODE_ID\n"));
  EXPECT_EQ(node.peers.calls(), 0);
}

TEST(PeerCommandTest, RemoveAndList) {
  FakeNode node;
  FakeNode::Result result = node.Run({"peer", "remove", "lyon"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "removed peer lyon\n");
  EXPECT_EQ(node.peers.remove_request.node_id(), "lyon");

  result = node.Run({"peer", "list"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "no peers\n");

  *node.peers.peers.add_peers() = Healthy("rennes");
  *node.peers.peers.add_peers() = Failing("lyon", "connection refused");
  result = node.Run({"peer", "list"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out,
            "NODE    ENDPOINT     LAST SUCCESS (UTC)   FAILURES  NEXT TRY (UTC)  APPLIED  REJECTED  LAST ERROR\n"
            "rennes  rennes:7700  2026-09-21 14:13:20         0  -                    10         0  -\n"
            "lyon    lyon:7700    2026-09-21 14:13:20         2  -                    10         0  "
            "connection refused\n");

  result = node.Run({"peer", "list", "--json"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  v1::ListPeersResponse parsed;
  ASSERT_TRUE(ParseJson(result.out, parsed).ok()) << result.out;
  EXPECT_EQ(parsed.peers_size(), 2);
}

TEST(SyncCommandTest, EveryPeerOkExitsZero) {
  FakeNode node;
  *node.peers.peers.add_peers() = Healthy("rennes");
  *node.peers.peers.add_peers() = Healthy("lyon");
  node.peers.applied = 7;
  const FakeNode::Result result = node.Run({"sync"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(node.peers.sync_request.node_id(), "");
  EXPECT_THAT(result.out, StartsWith("applied 7 entries\n\nNODE    ENDPOINT"));
  EXPECT_THAT(result.out, HasSubstr("\nrennes  "));
  EXPECT_THAT(result.out, HasSubstr("\nlyon    "));
}

TEST(SyncCommandTest, ALongRoundShowsTheEntriesAppliedOnATerminalThenClearsTheLine) {
  FakeNode node;
  *node.peers.peers.add_peers() = Healthy("rennes");
  // The starting point and three polls: the last may come back after the round.
  node.peers.sync_until_status_calls = 4;
  node.peers.applied_per_status = 100;
  FakeNode::Result result = node.Run({"sync"}, /*err_is_tty=*/true);
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out, StartsWith("applied 0 entries\n"));
  // The first poll is the starting point; each later one has 100 more.
  EXPECT_THAT(result.err, StartsWith("\rsyncing: 100 entries applied ("));
  EXPECT_THAT(result.err, HasSubstr("\rsyncing: 200 entries applied ("));
  EXPECT_THAT(result.err, ::testing::EndsWith("\r\033[K"));

  // Not a terminal, or --json: nothing on stderr.
  node.peers.sync_until_status_calls = 0;
  node.peers.sync_ms = 1500;
  result = node.Run({"sync"});
  EXPECT_EQ(result.err, "");
  result = node.Run({"--json", "sync"}, /*err_is_tty=*/true);
  EXPECT_EQ(result.err, "");
}

TEST(SyncCommandTest, AQuickRoundShowsNoProgress) {
  FakeNode node;
  *node.peers.peers.add_peers() = Healthy("rennes");
  node.peers.applied_per_status = 100;
  FakeNode::Result result = node.Run({"sync"}, /*err_is_tty=*/true);
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.err, "");
}

TEST(SyncCommandTest, TheRoundsEndCancelsAPollInFlight) {
  FakeNode node;
  *node.peers.peers.add_peers() = Healthy("rennes");
  // The starting point answers; the first poll, a second into the round,
  // hangs like a node that stopped answering. The round ends half a second
  // later, long before that poll's 2 s deadline.
  node.peers.status_hangs_from_call = 2;
  node.peers.sync_ms = 1500;
  FakeNode::Result result = node.Run({"sync"}, /*err_is_tty=*/true);
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out, StartsWith("applied 0 entries\n"));
  // Cancelled by the client, not expired: most of its deadline was left.
  EXPECT_GT(node.peers.StatusLeftWhenCancelled(), 0.5);
  EXPECT_EQ(result.err, "");
}

TEST(SyncProgressTest, TheLine) {
  EXPECT_EQ(SyncProgressLine(1, 0.04), "syncing: 1 entry applied (0.0 s)");
  EXPECT_EQ(SyncProgressLine(45210, 3.25), "syncing: 45210 entries applied (3.2 s)");
}

TEST(SyncCommandTest, TheDeadlineIsTheTimeoutPerPeer) {
  FakeNode node;
  for (const char* id : {"a", "b", "c"}) *node.peers.peers.add_peers() = Healthy(id);
  FakeNode::Result result = node.Run({"sync"});  // --timeout 5, 3 peers
  EXPECT_EQ(result.code, kExitOk) << result.err;
  // As the server sees it, give or take the propagation of the deadline.
  EXPECT_GT(node.peers.sync_deadline_seconds(), 10);
  EXPECT_LT(node.peers.sync_deadline_seconds(), 16);

  result = node.Run({"sync", "--peer", "a"});  // one peer: one --timeout
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_LT(node.peers.sync_deadline_seconds(), 6);
}

TEST(SyncCommandTest, AFailedPeerExitsOneWithItsErrorAndStillPrintsTheTable) {
  FakeNode node;
  *node.peers.peers.add_peers() = Healthy("rennes");
  *node.peers.peers.add_peers() = Failing("lyon", "cannot reach lyon:7700");
  node.peers.applied = 3;
  const FakeNode::Result result = node.Run({"sync"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.out, StartsWith("applied 3 entries\n\n"));
  EXPECT_THAT(result.out, HasSubstr("\nlyon    lyon:7700"));
  EXPECT_EQ(result.err, "bibia: error: sync with lyon: cannot reach lyon:7700\n");
}

TEST(SyncCommandTest, SeveralFailedPeersAreEachNamed) {
  FakeNode node;
  *node.peers.peers.add_peers() = Failing("rennes", "DEADLINE_EXCEEDED");
  *node.peers.peers.add_peers() = Failing("lyon", "");
  const FakeNode::Result result = node.Run({"sync"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err,
            "bibia: error: sync failed with 2 peers:\n"
            "  rennes: DEADLINE_EXCEEDED\n"
            "  lyon: failed (no error message)\n");
}

TEST(SyncCommandTest, OnlyTheSelectedPeerCounts) {
  FakeNode node;
  *node.peers.peers.add_peers() = Healthy("rennes");
  *node.peers.peers.add_peers() = Failing("lyon", "connection refused");
  FakeNode::Result result = node.Run({"sync", "--peer", "rennes"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.peers.sync_request.node_id(), "rennes");
  EXPECT_THAT(result.out, ::testing::Not(HasSubstr("lyon")));

  result = node.Run({"sync", "--peer", "lyon"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err, "bibia: error: sync with lyon: connection refused\n");
}

TEST(SyncCommandTest, ThePeerIsNamedOnceWhenTheNodesMessageNamesItToo) {
  FakeNode node;
  *node.peers.peers.add_peers() = Failing("lyon", "sync with lyon: entries of 1 log(s) rejected");
  const FakeNode::Result result = node.Run({"sync", "--peer", "lyon"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err, "bibia: error: sync with lyon: entries of 1 log(s) rejected\n");
  EXPECT_THAT(result.out, HasSubstr("lyon"));  // the peer's table is printed all the same
}

TEST(SyncCommandTest, FailuresFromBeforeTheLastSuccessDoNotCount) {
  FakeNode node;
  v1::PeerState recovered = Failing("lyon", "old error");
  recovered.set_last_success_unix_ms(recovered.last_attempt_unix_ms() + 1);
  *node.peers.peers.add_peers() = recovered;
  const FakeNode::Result result = node.Run({"sync"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
}

TEST(SyncCommandTest, JsonOnFailureStillPrintsTheResponse) {
  FakeNode node;
  *node.peers.peers.add_peers() = Failing("lyon", "connection refused");
  node.peers.applied = 4;
  const FakeNode::Result result = node.Run({"--json", "sync"});
  EXPECT_EQ(result.code, kExitFailure);
  v1::SyncNowResponse parsed;
  ASSERT_TRUE(ParseJson(result.out, parsed).ok()) << result.out;
  EXPECT_EQ(parsed.entries_applied(), 4);
  EXPECT_EQ(parsed.peers(0).last_error(), "connection refused");
  EXPECT_EQ(result.err, "bibia: error: sync with lyon: connection refused\n");
}

TEST(SyncCommandTest, ANodeErrorPrintsNothingOnStdout) {
  FakeNode node;
  node.peers.sync_status =
      grpc::Status(grpc::StatusCode::NOT_FOUND, "peer 'nice' is not a peer of this node");
  const FakeNode::Result result = node.Run({"sync", "--peer", "nice"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "bibia: error: NOT_FOUND: peer 'nice' is not a peer of this node\n");
}

TEST(SyncCommandTest, AnEmptyPeerIsAUsageError) {
  FakeNode node;
  const FakeNode::Result result = node.Run({"sync", "--peer="});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: --peer: empty node id\n"));
  EXPECT_EQ(node.peers.calls(), 0);
}

TEST(FederationStatusCommandTest, ShowsTheNodeLagAndHealth) {
  FakeNode node;
  v1::FederationStatusResponse& status = node.peers.status_response;
  status.set_node_id("nantes");
  v1::FrontierEntry* local = status.add_frontier();
  local->set_origin("nantes");
  local->set_tier(v1::TIER_PUBLIC);
  local->set_seq(12);
  v1::PeerState* rennes = status.add_peers();
  *rennes = Healthy("rennes");
  *rennes->add_frontier() = *local;
  rennes->mutable_frontier(0)->set_seq(9);
  status.set_entries_rejected(1);
  const FakeNode::Result result = node.Run({"federation", "status"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out,
            "node  nantes\n"
            "\n"
            "ORIGIN  TIER    LOCAL SEQ     rennes\n"
            "nantes  public         12  9 (lag 3)\n"
            "\n"
            "peers\n"
            "  rennes  ok, last success 2026-09-21 14:13 UTC\n"
            "\n"
            "rejected entries  1\n");
}

TEST(RedactCommandTest, SendsTheIdAndTheFacet) {
  FakeNode node;
  FakeNode::Result result =
      node.Run({"project", "redact", "nantes-fuites-reseau", "--tier", "restricted"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "redacted the history of nantes-fuites-reseau (restricted facet)\n");
  EXPECT_EQ(node.contribute.redact_request.id(), "nantes-fuites-reseau");
  EXPECT_EQ(node.contribute.redact_request.tier(), v1::TIER_RESTRICTED);

  result = node.Run({"project", "redact", "p1", "--tier", "TIER_EXPERT", "--json"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "{}\n");
  EXPECT_EQ(node.contribute.redact_request.tier(), v1::TIER_EXPERT);
}

TEST(RedactCommandTest, ABadTierIsAUsageErrorAndNothingIsSent) {
  FakeNode node;
  FakeNode::Result result = node.Run({"project", "redact", "p1", "--tier", "secret"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "bibia: --tier: unknown value 'secret' (valid: public, restricted, expert)\n"
            "Run 'bibia project redact --help' for usage.\n");
  result = node.Run({"project", "redact", "p1"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: missing required flag --tier TIER\n"));
  EXPECT_EQ(node.contribute.redact_calls, 0);
}

}  // namespace
}  // namespace bibia::cli
