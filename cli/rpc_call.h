// Makes one unary call to the node with bibia's deadline and bearer token and
// turns a failed grpc::Status into an RpcError (NodeError).
#ifndef BIBIA_CLI_RPC_CALL_H_
#define BIBIA_CLI_RPC_CALL_H_

#include "absl/status/statusor.h"
#include "cli/channel.h"
#include "cli/command_context.h"
#include "cli/errors.h"
#include "grpcpp/client_context.h"

namespace bibia::cli {

// Calls `(stub.*method)(&context, request, &response)`, e.g.
//   CallNode(context, stub, &v1::Catalog::Stub::Stats, request)
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallNode(const CommandContext& context, Stub& stub,
                                  grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                               const Request&, Response*),
                                  const Request& request) {
  grpc::ClientContext client_context;
  PrepareCall(client_context, context.global());
  Response response;
  const grpc::Status status = (stub.*method)(&client_context, request, &response);
  if (!status.ok()) {
    return NodeError(status, context.global());
  }
  return response;
}

}  // namespace bibia::cli

#endif  // BIBIA_CLI_RPC_CALL_H_
