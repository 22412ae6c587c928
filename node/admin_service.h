// gRPC adapter of bibia.v1.Admin: tokens, roster and audit of this node.
#ifndef BIBIA_NODE_ADMIN_SERVICE_H_
#define BIBIA_NODE_ADMIN_SERVICE_H_

#include "access/access_control.h"
#include "bibia/v1/admin_service.grpc.pb.h"
#include "catalog/store.h"

namespace bibia::node {

class AdminService final : public v1::Admin::Service {
 public:
  // `store` and `access` must outlive the service.
  AdminService(catalog::Store* store, access::AccessControl* access) : store_(store), access_(access) {}

  grpc::Status IssueToken(grpc::ServerContext* context, const v1::IssueTokenRequest* request,
                          v1::IssueTokenResponse* response) override;
  grpc::Status RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse* response) override;
  grpc::Status ListTokens(grpc::ServerContext* context, const v1::ListTokensRequest* request,
                          v1::ListTokensResponse* response) override;
  grpc::Status ListAudit(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override;
  grpc::Status InstallRoster(grpc::ServerContext* context, const v1::InstallRosterRequest* request,
                             v1::InstallRosterResponse* response) override;
  grpc::Status GetRoster(grpc::ServerContext* context, const v1::GetRosterRequest* request,
                         v1::GetRosterResponse* response) override;

  // At start: finishes what a roster that lowered this node's tier began
  // before a crash (AccessControl::EnforceHeldTier), and logs what it dropped.
  absl::Status EnforceHeldTierAtStart();

 private:
  catalog::Store* const store_;
  access::AccessControl* const access_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_ADMIN_SERVICE_H_
