#include "node/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "catalog/printable.h"

namespace bibia::node {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      catalog::CallerMessage(std::string_view(status.message().data(), status.message().size())));
}

absl::Status FromGrpcStatus(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(absl::string_view(what.data(), what.size()), ": ", status.error_message()));
}

grpc::Status UndecodableRequestStatus(const std::string& method) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "request: the body is not a protobuf request message of " +
                          (method.empty() ? std::string("this method") : method));
}

}  // namespace bibia::node
