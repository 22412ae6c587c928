#include "node/peers_service.h"

#include "node/request_guard.h"

namespace bibia::node {

using access::Operation;

grpc::Status PeersService::AddPeer(grpc::ServerContext* context, const v1::AddPeerRequest* request,
                                   v1::AddPeerResponse* response) {
  RequestGuard guard(*access_, context, Operation::kAddPeer);
  guard.AddRecord(request->peer().node_id());
  if (!guard.allowed()) return guard.Finish();
  return guard.Finish(peers_->AddPeer(request->peer()));
}

grpc::Status PeersService::RemovePeer(grpc::ServerContext* context, const v1::RemovePeerRequest* request,
                                      v1::RemovePeerResponse* response) {
  RequestGuard guard(*access_, context, Operation::kRemovePeer);
  guard.AddRecord(request->node_id());
  if (!guard.allowed()) return guard.Finish();
  return guard.Finish(peers_->RemovePeer(request->node_id()));
}

grpc::Status PeersService::ListPeers(grpc::ServerContext* context, const v1::ListPeersRequest* request,
                                     v1::ListPeersResponse* response) {
  RequestGuard guard(*access_, context, Operation::kListPeers);
  if (!guard.allowed()) return guard.Finish();
  for (auto& state : peers_->ListPeers()) *response->add_peers() = std::move(state);
  return guard.Finish();
}

grpc::Status PeersService::SyncNow(grpc::ServerContext* context, const v1::SyncNowRequest* request,
                                   v1::SyncNowResponse* response) {
  RequestGuard guard(*access_, context, Operation::kSyncNow);
  guard.AddRecord(request->node_id());
  if (!guard.allowed()) return guard.Finish();
  // The caller's deadline bounds the rounds, so that it hears how each went.
  const auto caller_deadline = context->deadline();
  const absl::Time deadline = caller_deadline == std::chrono::system_clock::time_point::max()
                                  ? absl::InfiniteFuture()
                                  : absl::FromChrono(caller_deadline);
  auto applied = peers_->SyncNow(request->node_id(), deadline);
  if (applied.ok()) response->set_entries_applied(*applied);
  for (auto& state : peers_->ListPeers()) {
    if (request->node_id().empty() || state.peer().node_id() == request->node_id()) {
      *response->add_peers() = std::move(state);
    }
  }
  return guard.Finish(applied.status());
}

grpc::Status PeersService::Status(grpc::ServerContext* context, const v1::FederationStatusRequest* request,
                                  v1::FederationStatusResponse* response) {
  RequestGuard guard(*access_, context, Operation::kFederationStatus);
  if (!guard.allowed()) return guard.Finish();
  auto frontier = store_->Frontier();
  if (!frontier.ok()) return guard.Finish(frontier.status());
  response->set_node_id(access_->node_id());
  for (auto& f : *frontier) *response->add_frontier() = std::move(f);
  for (auto& state : peers_->ListPeers()) *response->add_peers() = std::move(state);
  response->set_entries_rejected(peers_->entries_rejected());
  response->set_ownership_conflicts(store_->conflicts());
  response->set_held_tier(access_->HeldTier());
  return guard.Finish();
}

}  // namespace bibia::node
