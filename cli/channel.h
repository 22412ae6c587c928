// How bibia connects to a node: the one place that creates the gRPC channel
// (credentials, message size limits) and sets call deadlines.
#ifndef BIBIA_CLI_CHANNEL_H_
#define BIBIA_CLI_CHANNEL_H_

#include <memory>

#include "cli/global_options.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace bibia::cli {

inline constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// A channel to `options.node`. Insecure for now; TLS will be added here.
std::shared_ptr<grpc::Channel> MakeChannel(const GlobalOptions& options);

// Sets the deadline of `context` to now + `calls` × --timeout; a stream that
// carries several batches counts one call per batch.
void SetDeadline(grpc::ClientContext& context, const GlobalOptions& options,
                 int calls = 1);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_CHANNEL_H_
