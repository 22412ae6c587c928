// gRPC adapter of bibia.v1.Peers: the admin's view and control of this
// node's replication peers.
#ifndef BIBIA_NODE_PEERS_SERVICE_H_
#define BIBIA_NODE_PEERS_SERVICE_H_

#include "access/access_control.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "catalog/store.h"
#include "node/peer_manager.h"

namespace bibia::node {

class PeersService final : public v1::Peers::Service {
 public:
  // Everything passed must outlive the service.
  PeersService(catalog::Store* store, const access::AccessControl* access, PeerManager* peers)
      : store_(store), access_(access), peers_(peers) {}

  grpc::Status AddPeer(grpc::ServerContext* context, const v1::AddPeerRequest* request,
                       v1::AddPeerResponse* response) override;
  grpc::Status RemovePeer(grpc::ServerContext* context, const v1::RemovePeerRequest* request,
                          v1::RemovePeerResponse* response) override;
  grpc::Status ListPeers(grpc::ServerContext* context, const v1::ListPeersRequest* request,
                         v1::ListPeersResponse* response) override;
  grpc::Status SyncNow(grpc::ServerContext* context, const v1::SyncNowRequest* request,
                       v1::SyncNowResponse* response) override;
  grpc::Status Status(grpc::ServerContext* context, const v1::FederationStatusRequest* request,
                      v1::FederationStatusResponse* response) override;

 private:
  catalog::Store* const store_;
  const access::AccessControl* const access_;
  PeerManager* const peers_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_PEERS_SERVICE_H_
