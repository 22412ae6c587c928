#include "cli/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "cli/absl_view.h"

namespace bibia::cli {
namespace {

constexpr absl::string_view kUsagePayload = "bibia.cli/usage";
constexpr absl::string_view kRpcPayload = "bibia.cli/rpc";
constexpr absl::string_view kStdoutPayload = "bibia.cli/stdout";

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
  if (code == absl::StatusCode::kUnavailable) {
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
