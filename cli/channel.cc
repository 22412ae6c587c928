#include "cli/channel.h"

#include <chrono>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/absl_view.h"
#include "cli/certificates.h"
#include "cli/errors.h"
#include "cli/file_input.h"
#include "cli/roster_file.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace bibia::cli {
namespace {

absl::StatusOr<std::string> ReadCaFile(const std::string& path) {
  std::istringstream no_stdin;
  absl::StatusOr<std::string> pem = ReadInput(path, no_stdin);
  if (!pem.ok()) {
    return absl::Status(pem.status().code(), absl::StrCat("CA file ", pem.status().message()));
  }
  if (absl::StatusOr<int> count = CountCertificates(*pem); !count.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("CA file ", path, ": ", count.status().message()));
  }
  if (pem->back() != '\n') pem->push_back('\n');
  return pem;
}

// gRPC reports a failed handshake as UNAVAILABLE "failed to connect to all
// addresses; last error: UNKNOWN: ipv4:...: Ssl handshake failed:
// SSL_ERROR_SSL: error:...:certificate verify failed" (or "wrong version
// number" when the node speaks plaintext).
bool Contains(std::string_view text, std::string_view part) {
  return absl::StrContains(AbslView(text), AbslView(part));
}

// What to do about a connection failure, or empty when there is nothing
// specific to say.
std::string ConnectionHint(std::string_view message, const GlobalOptions& options) {
  // Whatever the transport: the address itself leads nowhere.
  if (Contains(message, "Connection refused")) {
    return "connection refused (is the node running, and listening on that port?)";
  }
  if (Contains(message, "DNS resolution failed")) return "the host name does not resolve";
  if (Contains(message, "No such file or directory")) return "no such socket file";
  if (options.insecure) {
    if (!Contains(message, "Socket closed")) return "";
    return "the node closed the connection: if it serves TLS (the default), use "
           "--ca <node data dir>/tls.crt or --roster FILE instead of --insecure";
  }
  if (Contains(message, "wrong version number")) {
    return "TLS handshake failed: the node serves plaintext (started with --insecure?); "
           "use --insecure";
  }
  if (!Contains(message, "andshake") && !Contains(message, "SSL") &&
      !Contains(message, "certificate")) {
    return "";
  }
  if (options.ca_file.empty() && options.roster_file.empty()) {
    return "TLS handshake failed: the system roots do not trust the node's certificate "
           "(a node's own certificate is self-signed); use --ca <node data dir>/tls.crt, "
           "--roster FILE or --insecure";
  }
  return "TLS handshake failed: the node's certificate is not signed by any certificate "
         "of the CA file or roster given";
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const GlobalOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  if (options.insecure) {
    return grpc::CreateCustomChannel(options.node, grpc::InsecureChannelCredentials(),
                                     arguments);
  }
  grpc::SslCredentialsOptions ssl;  // empty roots: the system's
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> pem = ReadCaFile(options.ca_file);
    if (!pem.ok()) return pem.status();
    ssl.pem_root_certs += *pem;
  }
  if (!options.roster_file.empty()) {
    absl::StatusOr<std::string> pem = RosterTrustAnchors(options.roster_file);
    if (!pem.ok()) return pem.status();
    ssl.pem_root_certs += *pem;
  }
  return grpc::CreateCustomChannel(options.node, grpc::SslCredentials(ssl), arguments);
}

void SetDeadline(grpc::ClientContext& context, const GlobalOptions& options, int calls) {
  const auto timeout = std::chrono::duration<double>(options.timeout_seconds * calls);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
}

void PrepareCall(grpc::ClientContext& context, const GlobalOptions& options, int calls) {
  SetDeadline(context, options, calls);
  if (!options.token.empty()) context.AddMetadata("authorization", "Bearer " + options.token);
}

absl::Status NodeError(const grpc::Status& status, const GlobalOptions& options) {
  absl::Status error = RpcError(status, options.node, options.timeout_seconds);
  std::string hint;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    hint = ConnectionHint(status.error_message(), options);
  } else if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && options.token.empty()) {
    hint = "give a token with --token T, BIBIA_TOKEN or the config file ('bibia-node token issue --data-dir DIR "
           "--subject NAME --tier expert --role admin' issues one on the node's machine)";
  }
  if (hint.empty()) return error;
  absl::Status result(error.code(), absl::StrCat(error.message(), ": ", hint));
  error.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    result.SetPayload(url, payload);
  });
  return result;
}

}  // namespace bibia::cli
