// How bibia connects to a node: the one place that creates the gRPC channel
// (transport security, message size limits) and prepares each call (deadline,
// bearer token).
#ifndef BIBIA_CLI_CHANNEL_H_
#define BIBIA_CLI_CHANNEL_H_

#include <memory>

#include "absl/status/statusor.h"
#include "cli/global_options.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace bibia::cli {

inline constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// A channel to `options.node`:
//   --insecure          plaintext
//   --ca / --roster     TLS trusting the PEM certificates of the CA file and
//                       the tls_certificate of every roster member
//   neither             TLS trusting the system roots
// Fails (naming the file) when a CA or roster file cannot be read or holds no
// certificate.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const GlobalOptions& options);

// Sets the deadline of `context` to now + `calls` × --timeout; a stream that
// carries several batches counts one call per batch.
void SetDeadline(grpc::ClientContext& context, const GlobalOptions& options,
                 int calls = 1);

// SetDeadline, and the metadata "authorization: Bearer <token>" when
// `options.token` is set. (Metadata rather than CallCredentials, which gRPC
// drops on insecure channels.)
void PrepareCall(grpc::ClientContext& context, const GlobalOptions& options,
                 int calls = 1);

// RpcError for a failed call, with a hint when the TLS handshake failed:
// which of --ca, --roster or --insecure to use.
absl::Status NodeError(const grpc::Status& status, const GlobalOptions& options);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_CHANNEL_H_
