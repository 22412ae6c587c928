#include "cli/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/absl_view.h"

namespace bibia::cli {
namespace {

constexpr absl::string_view kUsagePayload = "bibia.cli/usage";
constexpr absl::string_view kRpcPayload = "bibia.cli/rpc";
constexpr absl::string_view kStdoutPayload = "bibia.cli/stdout";

// True if `message` of an UNAVAILABLE status is gRPC's account of a
// connection that failed, not a message of the node's own (a node answers
// UNAVAILABLE too, e.g. when its disk fails).
bool IsTransportFailure(absl::string_view message, absl::string_view node) {
  constexpr absl::string_view kTransportWords[] = {
      "failed to connect", "DNS resolution failed", "Socket closed", "Connection refused",
      "Connection reset", "connections to all backends failing", "Broken pipe", "andshake",
      "empty address list"};
  if (message.empty()) return true;
  // A missing unix socket; from a node the same words are about its files.
  if (absl::StartsWith(node, "unix") && absl::StrContains(message, "No such file or directory")) return true;
  for (absl::string_view words : kTransportWords) {
    if (absl::StrContains(message, words)) return true;
  }
  return false;
}

}  // namespace

absl::Status UsageError(std::string_view message, std::string_view command) {
  absl::Status status = absl::InvalidArgumentError(AbslView(message));
  status.SetPayload(kUsagePayload, absl::Cord(AbslView(command)));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

absl::Status RpcError(const grpc::Status& status, std::string_view node,
                      double timeout_seconds) {
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  std::string message = status.error_message();
  if (code == absl::StatusCode::kUnavailable && IsTransportFailure(message, AbslView(node))) {
    message = absl::StrCat("cannot reach node at ", AbslView(node));
  } else if (code == absl::StatusCode::kDeadlineExceeded) {
    message = absl::StrCat("no answer from node at ", AbslView(node), " within ",
                           timeout_seconds, " s (--timeout)");
  }
  absl::Status result(code, message);
  result.SetPayload(kRpcPayload, absl::Cord());
  return result;
}

bool IsRpcError(const absl::Status& status) {
  return status.GetPayload(kRpcPayload).has_value();
}

absl::Status WithStdout(absl::Status status, std::string_view output) {
  status.SetPayload(kStdoutPayload, absl::Cord(AbslView(output)));
  return status;
}

std::optional<std::string> StdoutOf(const absl::Status& status) {
  absl::optional<absl::Cord> output = status.GetPayload(kStdoutPayload);
  if (!output.has_value()) return std::nullopt;
  return std::string(*output);
}

std::string CodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return "OK";
    case absl::StatusCode::kCancelled: return "CANCELLED";
    case absl::StatusCode::kUnknown: return "UNKNOWN";
    case absl::StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case absl::StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound: return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case absl::StatusCode::kAborted: return "ABORTED";
    case absl::StatusCode::kOutOfRange: return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    case absl::StatusCode::kInternal: return "INTERNAL";
    case absl::StatusCode::kUnavailable: return "UNAVAILABLE";
    case absl::StatusCode::kDataLoss: return "DATA_LOSS";
    case absl::StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    default: return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

int ReportError(const absl::Status& status, std::ostream& err) {
  if (status.ok()) return kExitOk;
  const std::string_view message = StdView(status.message());
  if (IsUsageError(status)) {
    const std::string command(status.GetPayload(kUsagePayload)->Flatten());
    err << "bibia: " << message << "\n"
        << "Run 'bibia " << (command.empty() ? "" : command + " ")
        << "--help' for usage.\n";
    return kExitUsage;
  }
  if (IsRpcError(status)) {
    err << "bibia: error: " << CodeName(status.code()) << ": " << message << "\n";
    return kExitFailure;
  }
  err << "bibia: error: " << message << "\n";
  return kExitFailure;
}

}  // namespace bibia::cli
