// Human-readable output of the Peers service: the peer table, the result of
// a sync round and the federation status (frontiers, lag, health).
#ifndef BIBIA_CLI_FEDERATION_VIEWS_H_
#define BIBIA_CLI_FEDERATION_VIEWS_H_

#include <string>

#include "bibia/v1/federation.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace bibia::cli {

using PeerStates = google::protobuf::RepeatedPtrField<v1::PeerState>;

// Whether the last round with `peer` failed: it has consecutive failures and
// no success since its last attempt.
bool LastRoundFailed(const v1::PeerState& peer);

// Table NODE, ENDPOINT, LAST SUCCESS (UTC) ("never" if none), FAILURES,
// APPLIED, REJECTED, LAST ERROR (cut to fit); "no peers" if empty.
std::string RenderPeerStates(const PeerStates& peers);

// RenderPeerStates of the response's peers.
std::string RenderPeerList(const v1::ListPeersResponse& response);

// "applied N entries", a blank line and RenderPeerStates.
std::string RenderSyncResult(const v1::SyncNowResponse& response);

// One line about a peer's health: "ok, last success ...", "not synced yet"
// or "failing: N consecutive failures, last success ...: ERROR".
std::string PeerHealth(const v1::PeerState& peer);

// "node  ID", "tier  TIER" (this node's roster tier) when the node says, then a
// table with a row per (ORIGIN, TIER) known locally or to
// any peer: LOCAL SEQ (0 if this node has none of that log) and a column per
// peer (headed by its node id) holding the peer's seq from its frontier as
// last seen and the lag "SEQ (lag N)" with N = local - peer, or "-" when the
// peer's frontier does not say; then a line per peer (PeerHealth) and the
// number of rejected entries.
std::string RenderFederationStatus(const v1::FederationStatusResponse& response);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_FEDERATION_VIEWS_H_
