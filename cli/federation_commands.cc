// bibia peer add | remove | list, bibia sync, bibia federation status: calls
// to the node's Peers service.
#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/federation_views.h"
#include "cli/flag_values.h"
#include "cli/json_io.h"
#include "cli/rpc_call.h"
#include "cli/sync_progress.h"

namespace bibia::cli {
namespace {

// The NODE_ID argument, not empty.
absl::StatusOr<std::string> NodeIdArgument(const Invocation& invocation) {
  const std::string& node_id = invocation.positionals[0];
  if (node_id.empty()) return UsageError("NODE_ID: empty", invocation.command);
  return node_id;
}

// The error of a sync round in which `failed` peers failed; OK if none.
absl::Status SyncFailure(const std::vector<const v1::PeerState*>& failed) {
  if (failed.empty()) return absl::OkStatus();
  auto describe = [](const v1::PeerState& state) {
    absl::string_view error = state.last_error();
    // The node's own message may already say which peer: say it once.
    absl::ConsumePrefix(&error, absl::StrCat("sync with ", state.peer().node_id(), ": "));
    return absl::StrCat(state.peer().node_id(), ": ",
                        error.empty() ? "failed (no error message)" : error);
  };
  if (failed.size() == 1) {
    return absl::UnavailableError(absl::StrCat("sync with ", describe(*failed[0])));
  }
  std::vector<std::string> lines;
  for (const v1::PeerState* state : failed) lines.push_back("  " + describe(*state));
  return absl::UnavailableError(absl::StrCat("sync failed with ", failed.size(), " peers:\n",
                                             absl::StrJoin(lines, "\n")));
}

}  // namespace

absl::StatusOr<std::string> RunPeerAdd(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  absl::StatusOr<std::string> node_id = NodeIdArgument(invocation);
  if (!node_id.ok()) return node_id.status();
  absl::StatusOr<std::optional<std::string>> endpoint = EndpointFlag(invocation, "endpoint");
  if (!endpoint.ok()) return endpoint.status();
  v1::AddPeerRequest request;
  request.mutable_peer()->set_node_id(*node_id);
  // Empty: the node takes the endpoint of the member in its roster.
  request.mutable_peer()->set_endpoint(endpoint->value_or(""));

  v1::Peers::Stub stub(context.channel);
  absl::StatusOr<v1::AddPeerResponse> response =
      CallNode(context, stub, &v1::Peers::Stub::AddPeer, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return absl::StrCat("added peer ", *node_id, "\n");
}

absl::StatusOr<std::string> RunPeerRemove(const CommandContext& context) {
  absl::StatusOr<std::string> node_id = NodeIdArgument(context.invocation);
  if (!node_id.ok()) return node_id.status();
  v1::RemovePeerRequest request;
  request.set_node_id(*node_id);

  v1::Peers::Stub stub(context.channel);
  absl::StatusOr<v1::RemovePeerResponse> response =
      CallNode(context, stub, &v1::Peers::Stub::RemovePeer, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return absl::StrCat("removed peer ", *node_id, "\n");
}

absl::StatusOr<std::string> RunPeerList(const CommandContext& context) {
  v1::Peers::Stub stub(context.channel);
  absl::StatusOr<v1::ListPeersResponse> response =
      CallNode(context, stub, &v1::Peers::Stub::ListPeers, v1::ListPeersRequest());
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return RenderPeerList(*response);
}

absl::StatusOr<std::string> RunSync(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  v1::SyncNowRequest request;
  if (std::optional<std::string> peer = invocation.Flag("peer"); peer.has_value()) {
    if (peer->empty()) return UsageError("--peer: empty node id", invocation.command);
    request.set_node_id(*peer);
  }

  v1::Peers::Stub stub(context.channel);
  // The node syncs with the selected peers one after the other: allow one
  // --timeout per peer.
  int calls = 1;
  if (request.node_id().empty()) {
    absl::StatusOr<v1::ListPeersResponse> peers =
        CallNode(context, stub, &v1::Peers::Stub::ListPeers, v1::ListPeersRequest());
    if (!peers.ok()) return peers.status();
    calls = std::max(1, peers->peers_size());
  }
  // Progress takes its starting count first, so that its poll does not eat
  // into the round's deadline.
  std::optional<SyncProgress> progress;
  if (context.err_is_tty && !context.global().json) progress.emplace(stub, context.global(), context.err);
  grpc::ClientContext client_context;
  PrepareCall(client_context, context.global(), calls);
  v1::SyncNowResponse response;
  const grpc::Status status = stub.SyncNow(&client_context, request, &response);
  if (progress.has_value()) progress->Stop();
  if (!status.ok()) return NodeError(status, context.global());

  // The node answers with the selected peers only; filter anyway, in case.
  v1::SyncNowResponse selected;
  selected.set_entries_applied(response.entries_applied());
  std::vector<const v1::PeerState*> failed;
  for (const v1::PeerState& state : response.peers()) {
    if (!request.node_id().empty() && state.peer().node_id() != request.node_id()) continue;
    *selected.add_peers() = state;
    if (LastRoundFailed(state)) failed.push_back(&state);
  }
  const std::string output =
      context.global().json ? ToJson(response) : RenderSyncResult(selected);
  if (absl::Status failure = SyncFailure(failed); !failure.ok()) {
    return WithStdout(std::move(failure), output);
  }
  return output;
}

absl::StatusOr<std::string> RunFederationStatus(const CommandContext& context) {
  v1::Peers::Stub stub(context.channel);
  absl::StatusOr<v1::FederationStatusResponse> response =
      CallNode(context, stub, &v1::Peers::Stub::Status, v1::FederationStatusRequest());
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return RenderFederationStatus(*response);
}

}  // namespace bibia::cli
