#include "node/request_guard.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "access/rate_limiter.h"
#include "node/calls_per_address.h"
#include "node/grpc_status.h"
#include "node/log.h"

namespace bibia::node {
namespace {

std::atomic<int> in_flight{0};
std::atomic<CallsPerAddress*> calls_per_address{nullptr};

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

void RequestGuard::LimitCallsPerAddress(int max) {
  // Never freed: a request in flight may still leave the cap it entered.
  calls_per_address.store(max > 0 ? new CallsPerAddress(max) : nullptr);
}

RequestGuard::~RequestGuard() {
  if (entered_ != nullptr) entered_->Leave(address_key_);
  --in_flight;
}

RequestGuard::RequestGuard(const access::AccessControl& access, grpc::ServerContext* context, access::Operation op)
    : op_(op), start_(absl::Now()) {
  ++in_flight;
  if (CallsPerAddress* calls = calls_per_address.load()) {
    std::string key = access::RateLimitKey(context->peer());
    if (!calls->Enter(key)) {
      over_cap_caller_.address = context->peer();
      over_cap_ = absl::ResourceExhaustedError(absl::StrCat(
          "too many calls in flight from this address (at most ", calls->max(), ", --max-calls-per-address)"));
      return;
    }
    address_key_ = std::move(key);
    entered_ = calls;
  }
  check_.emplace(access, CredentialsOf(context), op);
}

grpc::Status RequestGuard::Finish(const absl::Status& result) {
  absl::Status audit;
  const absl::Status status = check_ ? check_->Finish(result, &audit) : over_cap_;
  const access::Operation op = op_;
  const access::Caller& caller = this->caller();
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
