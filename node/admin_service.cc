#include "node/admin_service.h"

#include "absl/strings/str_cat.h"
#include "node/log.h"
#include "node/request_guard.h"

namespace bibia::node {
namespace {

void LogDropped(const access::AccessControl::HeldTierEnforced& held) {
  const catalog::Replica::DroppedHoldings& dropped = held.dropped;
  if (dropped.logs == 0 && dropped.records == 0) return;
  Log(LogLevel::kWarning, "dropped other members' data above this node's roster tier",
      {{"tier", v1::Tier_Name(held.tier)},
       {"logs", absl::StrCat(dropped.logs)},
       {"entries", absl::StrCat(dropped.entries)},
       {"records", absl::StrCat(dropped.records)}});
}

}  // namespace

using access::Operation;

absl::Status AdminService::EnforceHeldTierAtStart() {
  auto held = access_->EnforceHeldTier();
  if (!held.ok()) {
    return absl::Status(held.status().code(), absl::StrCat("dropping what this node holds above its roster tier: ",
                                                           held.status().message()));
  }
  LogDropped(*held);
  return absl::OkStatus();
}

grpc::Status AdminService::IssueToken(grpc::ServerContext* context, const v1::IssueTokenRequest* request,
                                      v1::IssueTokenResponse* response) {
  RequestGuard guard(*access_, context, Operation::kIssueToken);
  guard.AddRecord(request->subject());
  if (!guard.allowed()) return guard.Finish();
  auto result = access_->IssueToken(*request, guard.caller());
  if (result.ok()) {
    guard.AddRecord(result->claims().token_id());
    *response = std::move(*result);
  }
  return guard.Finish(result.status());
}

grpc::Status AdminService::RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                                       v1::RevokeTokenResponse* response) {
  RequestGuard guard(*access_, context, Operation::kRevokeToken);
  guard.AddRecord(request->token_id());
  if (!guard.allowed()) return guard.Finish();
  return guard.Finish(access_->RevokeToken(request->token_id()));
}

grpc::Status AdminService::ListTokens(grpc::ServerContext* context, const v1::ListTokensRequest* request,
                                      v1::ListTokensResponse* response) {
  RequestGuard guard(*access_, context, Operation::kListTokens);
  if (!guard.allowed()) return guard.Finish();
  auto result = access_->ListTokens();
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(result.status());
}

grpc::Status AdminService::ListAudit(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                                     v1::ListAuditResponse* response) {
  RequestGuard guard(*access_, context, Operation::kListAudit);
  if (!guard.allowed()) return guard.Finish();
  auto result = store_->audit()->List(*request);
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(result.status());
}

grpc::Status AdminService::InstallRoster(grpc::ServerContext* context, const v1::InstallRosterRequest* request,
                                         v1::InstallRosterResponse* response) {
  RequestGuard guard(*access_, context, Operation::kInstallRoster);
  if (!guard.allowed()) return guard.Finish();
  auto installed = access_->InstallRoster(request->roster());
  if (!installed.ok()) return guard.Finish(installed.status());
  response->set_version(installed->version);
  response->set_held_tier(installed->held.tier);
  response->set_logs_dropped(installed->held.dropped.logs);
  response->set_entries_dropped(installed->held.dropped.entries);
  response->set_records_dropped(installed->held.dropped.records);
  LogDropped(installed->held);
  return guard.Finish();
}

grpc::Status AdminService::GetRoster(grpc::ServerContext* context, const v1::GetRosterRequest* request,
                                     v1::GetRosterResponse* response) {
  RequestGuard guard(*access_, context, Operation::kGetRoster);
  if (!guard.allowed()) return guard.Finish();
  *response = access_->GetRoster();
  return guard.Finish();
}

}  // namespace bibia::node
