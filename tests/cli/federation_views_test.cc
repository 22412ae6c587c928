// Human-readable output of the Peers service: the peer table, a sync round,
// and the federation status (frontiers, lag per peer, health).
#include "cli/federation_views.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr int64_t kSuccessMs = 1'790'000'000'000;  // 2026-09-21 14:13:20 UTC

void AddFrontier(google::protobuf::RepeatedPtrField<v1::FrontierEntry>* frontier,
                 const std::string& origin, v1::Tier tier, uint64_t seq) {
  v1::FrontierEntry* entry = frontier->Add();
  entry->set_origin(origin);
  entry->set_tier(tier);
  entry->set_seq(seq);
}

v1::PeerState HealthyPeer(const std::string& node_id) {
  v1::PeerState state;
  state.mutable_peer()->set_node_id(node_id);
  state.mutable_peer()->set_endpoint(node_id + ".example.org:7700");
  state.set_last_success_unix_ms(kSuccessMs);
  state.set_last_attempt_unix_ms(kSuccessMs);
  state.set_entries_applied(120);
  return state;
}

v1::PeerState FailingPeer(const std::string& node_id, int failures, std::string error) {
  v1::PeerState state;
  state.mutable_peer()->set_node_id(node_id);
  state.mutable_peer()->set_endpoint(node_id + ".example.org:7700");
  state.set_last_attempt_unix_ms(kSuccessMs + 60'000);
  state.set_consecutive_failures(failures);
  state.set_last_error(std::move(error));
  state.set_entries_rejected(2);
  return state;
}

TEST(PeerListViewTest, TableWithNeverAndTruncatedError) {
  v1::ListPeersResponse response;
  *response.add_peers() = HealthyPeer("rennes");
  *response.add_peers() = FailingPeer(
      "lyon", 3,
      "UNAVAILABLE: failed to connect to all addresses; last error: connection refused");
  EXPECT_EQ(RenderPeerList(response),
            "NODE    ENDPOINT                 LAST SUCCESS (UTC)   FAILURES  NEXT TRY (UTC)  APPLIED  "
            "REJECTED  LAST ERROR\n"
            "rennes  rennes.example.org:7700  2026-09-21 14:13:20         0  -                   120  "
            "       0  -\n"
            "lyon    lyon.example.org:7700    never                       3  -                     0  "
            "       2  UNAVAILABLE: failed to connect to all addresses…\n");
}

TEST(PeerListViewTest, NoPeersSaysSo) {
  EXPECT_EQ(RenderPeerList(v1::ListPeersResponse()), "no peers\n");
}

TEST(PeerListViewTest, EndpointDefaultedByTheNodeShowsADash) {
  v1::ListPeersResponse response;
  v1::PeerState* state = response.add_peers();
  state->mutable_peer()->set_node_id("nice");
  EXPECT_EQ(RenderPeerList(response),
            "NODE  ENDPOINT  LAST SUCCESS (UTC)  FAILURES  NEXT TRY (UTC)  APPLIED  REJECTED  LAST ERROR\n"
            "nice  -         never                      0  -                     0         0  -\n");
}

TEST(SyncViewTest, AppliedCountThenThePeerTable) {
  v1::SyncNowResponse response;
  response.set_entries_applied(17);
  *response.add_peers() = HealthyPeer("rennes");
  const std::string out = RenderSyncResult(response);
  EXPECT_THAT(out, ::testing::StartsWith("applied 17 entries\n\nNODE    ENDPOINT"));
  EXPECT_THAT(out, HasSubstr("\nrennes  rennes.example.org:7700  2026-09-21 14:13:20"));
}

TEST(SyncViewTest, LastRoundFailed) {
  EXPECT_FALSE(LastRoundFailed(HealthyPeer("rennes")));
  EXPECT_TRUE(LastRoundFailed(FailingPeer("lyon", 1, "boom")));
  // Failures recorded, but a success since the last attempt: not failed.
  v1::PeerState recovered = FailingPeer("lyon", 2, "boom");
  recovered.set_last_success_unix_ms(recovered.last_attempt_unix_ms() + 1);
  EXPECT_FALSE(LastRoundFailed(recovered));
  // Never succeeded, failing.
  v1::PeerState never = FailingPeer("nice", 1, "");
  never.set_last_attempt_unix_ms(0);
  EXPECT_TRUE(LastRoundFailed(never));
}

TEST(PeerHealthTest, OkFailingAndNotSyncedYet) {
  EXPECT_EQ(PeerHealth(HealthyPeer("rennes")), "ok, last success 2026-09-21 14:13 UTC");
  EXPECT_EQ(PeerHealth(FailingPeer("lyon", 3, "connection refused")),
            "failing: 3 consecutive failures, last success never: connection refused");
  EXPECT_EQ(PeerHealth(FailingPeer("lyon", 1, "")), "failing: 1 failure, last success never");
  v1::PeerState fresh;
  fresh.mutable_peer()->set_node_id("nice");
  EXPECT_EQ(PeerHealth(fresh), "not synced yet");
}

TEST(FederationStatusViewTest, LagPerPeerAndUnknownSeqs) {
  v1::FederationStatusResponse response;
  response.set_node_id("nantes");
  AddFrontier(response.mutable_frontier(), "nantes", v1::TIER_PUBLIC, 120);
  AddFrontier(response.mutable_frontier(), "nantes", v1::TIER_RESTRICTED, 40);
  AddFrontier(response.mutable_frontier(), "rennes", v1::TIER_PUBLIC, 77);

  v1::PeerState rennes = HealthyPeer("rennes");
  AddFrontier(rennes.mutable_frontier(), "nantes", v1::TIER_PUBLIC, 118);  // 2 behind
  AddFrontier(rennes.mutable_frontier(), "nantes", v1::TIER_RESTRICTED, 40);
  AddFrontier(rennes.mutable_frontier(), "rennes", v1::TIER_PUBLIC, 80);  // ahead by 3
  AddFrontier(rennes.mutable_frontier(), "rennes", v1::TIER_EXPERT, 5);  // unknown here
  *response.add_peers() = rennes;
  *response.add_peers() = FailingPeer("lyon", 3, "connection refused");  // no frontier
  response.set_entries_rejected(2);

  EXPECT_EQ(RenderFederationStatus(response),
            "node  nantes\n"
            "\n"
            "ORIGIN  TIER        LOCAL SEQ       rennes  lyon\n"
            "nantes  public            120  118 (lag 2)     -\n"
            "nantes  restricted         40   40 (lag 0)     -\n"
            "rennes  public             77  80 (lag -3)     -\n"
            "rennes  expert              0   5 (lag -5)     -\n"
            "\n"
            "peers\n"
            "  rennes  ok, last success 2026-09-21 14:13 UTC\n"
            "  lyon    failing: 3 consecutive failures, last success never: connection\n"
            "          refused\n"
            "\n"
            "rejected entries  2\n");
}

TEST(PeerViewTest, TheRostersEndpointAndTheNextTryAreShown) {
  v1::PeerState state;
  state.mutable_peer()->set_node_id("rennes");
  state.set_endpoint_in_use("rennes.example.org:7700");
  state.set_consecutive_failures(2);
  state.set_last_attempt_unix_ms(1790000000000);
  state.set_next_attempt_unix_ms(1790000002000);
  state.set_last_error("connection refused");
  v1::ListPeersResponse response;
  *response.add_peers() = state;
  EXPECT_THAT(RenderPeerList(response), HasSubstr("rennes.example.org:7700 (roster)"));
  EXPECT_THAT(RenderPeerList(response), HasSubstr("  2  2026-09-21 14:13:22  "));
  EXPECT_THAT(PeerHealth(state), HasSubstr(", next try 2026-09-21 14:13:22 UTC: connection refused"));
  state.mutable_peer()->set_endpoint("10.0.0.12:7700");  // given with peer add: shown as it is
  *response.mutable_peers(0) = state;
  EXPECT_THAT(RenderPeerList(response), HasSubstr("10.0.0.12:7700 "));
  EXPECT_THAT(RenderPeerList(response), ::testing::Not(HasSubstr("(roster)")));
}

TEST(FederationStatusViewTest, OwnershipConflictsShowWhenThereAreSome) {
  v1::FederationStatusResponse response;
  response.set_node_id("nantes");
  response.set_ownership_conflicts(3);
  EXPECT_THAT(RenderFederationStatus(response),
              HasSubstr("\nrejected entries  0\nownership conflicts  3 (entries for records another node owns "
                        "here: two nodes wrote the same id)\n"));
}

TEST(FederationStatusViewTest, AFederationOfOne) {
  v1::FederationStatusResponse response;
  response.set_node_id("nantes");
  EXPECT_EQ(RenderFederationStatus(response),
            "node  nantes\n\nno log entries yet\n\nno peers\n\nrejected entries  0\n");
  response.set_held_tier(v1::TIER_RESTRICTED);
  EXPECT_THAT(RenderFederationStatus(response),
              StartsWith("node  nantes\ntier  restricted (the most it holds of the other members)\n\n"));
  response.clear_held_tier();

  AddFrontier(response.mutable_frontier(), "nantes", v1::TIER_PUBLIC, 3);
  const std::string out = RenderFederationStatus(response);
  EXPECT_THAT(out, HasSubstr("ORIGIN  TIER    LOCAL SEQ\nnantes  public          3\n"));
  EXPECT_THAT(out, HasSubstr("\nno peers\n"));
  EXPECT_THAT(out, Not(HasSubstr("lag")));
}

}  // namespace
}  // namespace bibia::cli
