#include "node/request_guard.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "node/grpc_status.h"
#include "node/log.h"

namespace bibia::node {

RequestGuard::RequestGuard(const access::Policy& policy, grpc::ServerContext* context, access::Operation op)
    : op_(op), start_(absl::Now()) {
  access::Caller caller;
  caller.address = context->peer();
  caller_ = policy.Resolve(std::move(caller));
  decision_ = policy.Authorize(caller_, op);
}

grpc::Status RequestGuard::Finish(const absl::Status& result) {
  const absl::Status& status = decision_.ok() ? result : decision_;
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - start_);
  LogLevel level = status.ok() ? LogLevel::kDebug
                   : (status.code() == absl::StatusCode::kInternal ||
                      status.code() == absl::StatusCode::kDataLoss || status.code() == absl::StatusCode::kUnknown)
                       ? LogLevel::kError
                       : LogLevel::kInfo;
  Log(level, "rpc",
      {{"method", access::OperationName(op_)},
       {"caller", access::Describe(caller_)},
       {"peer", caller_.address},
       {"code", absl::StatusCodeToString(status.code())},
       {"ms", absl::StrCat(ms)},
       {"error", std::string(status.message())}});
  return ToGrpcStatus(status);
}

}  // namespace bibia::node
