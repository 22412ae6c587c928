#include "node/request_guard.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "node/grpc_status.h"
#include "node/log.h"

namespace bibia::node {
namespace {

std::atomic<int> in_flight{0};

access::AccessControl::Credentials CredentialsOf(grpc::ServerContext* context) {
  access::AccessControl::Credentials credentials;
  credentials.address = context->peer();
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    credentials.bearer = std::string(it->second.data(), it->second.size());
  }
  if (auto auth = context->auth_context(); auth && auth->IsPeerAuthenticated()) {
    auto pem = auth->FindPropertyValues("x509_pem_cert");
    if (!pem.empty()) credentials.peer_certificate_pem = std::string(pem.front().data(), pem.front().size());
  }
  return credentials;
}

LogLevel LevelFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return LogLevel::kDebug;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown: return LogLevel::kError;
    default: return LogLevel::kInfo;
  }
}

}  // namespace

int RequestGuard::InFlight() { return in_flight.load(); }

RequestGuard::~RequestGuard() { --in_flight; }

RequestGuard::RequestGuard(const access::AccessControl& access, grpc::ServerContext* context, access::Operation op)
    : check_((++in_flight, access), CredentialsOf(context), op), start_(absl::Now()) {}

grpc::Status RequestGuard::Finish(const absl::Status& result) {
  absl::Status audit;
  const absl::Status status = check_.Finish(result, &audit);
  const access::Operation op = check_.operation();
  const access::Caller& caller = check_.caller();
  if (!audit.ok()) {
    Log(LogLevel::kError, "audit event lost", {{"method", access::OperationName(op)},
                                               {"error", std::string(audit.message())}});
  }
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - start_);
  Log(LevelFor(status), "rpc",
      {{"method", access::OperationName(op)},
       {"caller", access::Describe(caller)},
       {"tier", access::TierName(caller.tier)},
       {"peer", caller.address},
       {"code", absl::StatusCodeToString(status.code())},
       {"ms", absl::StrCat(ms)},
       {"error", std::string(status.message())}});
  return ToGrpcStatus(status);
}

}  // namespace bibia::node
