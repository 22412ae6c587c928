#include "node/grpc_status.h"

#include <string>

namespace bibia::node {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

grpc::Status UndecodableRequestStatus(const std::string& method) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "request: the body is not a protobuf request message of " +
                          (method.empty() ? std::string("this method") : method));
}

}  // namespace bibia::node
