// Failures of a bibia command (usage, node, local) as absl::Status values:
// how each kind is reported on stderr and which exit code it gives.
#ifndef BIBIA_CLI_ERRORS_H_
#define BIBIA_CLI_ERRORS_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace bibia::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // node, network, file or data error
inline constexpr int kExitUsage = 2;    // bad command line

// A bad command line. `command` ("project list", or empty when the command is
// not known) selects the help hint printed after the message.
absl::Status UsageError(std::string_view message, std::string_view command);
bool IsUsageError(const absl::Status& status);

// A failed call to the node at `node`. Its code is kept; an UNAVAILABLE
// status gets the message "cannot reach node at NODE" and an expired deadline
// names the node and the timeout.
absl::Status RpcError(const grpc::Status& status, std::string_view node,
                      double timeout_seconds);
bool IsRpcError(const absl::Status& status);

// A failure whose command still has `output` to print on stdout, before the
// error goes to stderr: e.g. the peer table of `bibia sync` when a peer's
// round failed.
absl::Status WithStdout(absl::Status status, std::string_view output);
// The stdout text attached by WithStdout, if any.
std::optional<std::string> StdoutOf(const absl::Status& status);

// "INVALID_ARGUMENT", "NOT_FOUND", ...
std::string CodeName(absl::StatusCode code);

// Prints `status` to `err` and returns the exit code:
//   usage error  "bibia: MESSAGE" and "Run 'bibia COMMAND --help' ...", 2
//   rpc error    "bibia: error: CODE_NAME: MESSAGE", 1
//   other        "bibia: error: MESSAGE", 1
// An OK status prints nothing and returns 0.
int ReportError(const absl::Status& status, std::ostream& err);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_ERRORS_H_
