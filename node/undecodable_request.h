// gRPC 1.51's sync server answers a request body that is not the method's
// protobuf message with INTERNAL and no message, before any handler runs.
// This interceptor turns that answer into INVALID_ARGUMENT naming the method
// (node/grpc_status.h): the caller's mistake, not the node's fault. Handlers
// never send INTERNAL without a message themselves.
#ifndef BIBIA_NODE_UNDECODABLE_REQUEST_H_
#define BIBIA_NODE_UNDECODABLE_REQUEST_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"

namespace bibia::node {

// For ServerBuilder::experimental().SetInterceptorCreators.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> UndecodableRequestInterceptorFactory();

}  // namespace bibia::node

#endif  // BIBIA_NODE_UNDECODABLE_REQUEST_H_
