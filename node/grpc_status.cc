#include "node/grpc_status.h"

#include <string>

#include "catalog/printable.h"

namespace bibia::node {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      catalog::CallerMessage(std::string_view(status.message().data(), status.message().size())));
}

grpc::Status UndecodableRequestStatus(const std::string& method) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "request: the body is not a protobuf request message of " +
                          (method.empty() ? std::string("this method") : method));
}

}  // namespace bibia::node
