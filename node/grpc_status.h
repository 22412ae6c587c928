// The one place where absl::Status becomes grpc::Status (the edge of the node);
// web/http_status.h does the same for HTTP, with the same caller message
// (catalog::CallerMessage).
#ifndef BIBIA_NODE_GRPC_STATUS_H_
#define BIBIA_NODE_GRPC_STATUS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace bibia::node {

// Same code; the message as a caller may see it: file paths replaced by
// "(path)", control characters escaped, cut at 1 KiB. Codes map one to one:
// abseil's and gRPC's canonical codes are the same numbers.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The other way, for what a peer answered: same code, the message prefixed
// with `what` (e.g. "sync with n1").
absl::Status FromGrpcStatus(const grpc::Status& status, std::string_view what);

// INVALID_ARGUMENT for a request body that is not `method`'s protobuf message
// (gRPC reports it as INTERNAL with no message: node/undecodable_request.h).
grpc::Status UndecodableRequestStatus(const std::string& method);

}  // namespace bibia::node

#endif  // BIBIA_NODE_GRPC_STATUS_H_
