#include "web/http_status.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "catalog/printable.h"

namespace bibia::web {

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': out += "\\u003c"; break;  // inert even if sniffed as HTML
      case '>': out += "\\u003e"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

Reply ErrorReply(const absl::Status& status, int http_status) {
  Reply reply;
  reply.status = http_status != 0 ? http_status : HttpStatusOf(status.code());
  const std::string message =
      catalog::CallerMessage(std::string_view(status.message().data(), status.message().size()));
  reply.body = absl::StrCat("{\"error\":{\"code\":", JsonString(absl::StatusCodeToString(status.code())),
                            ",\"message\":", JsonString(message), "}}\n");
  if (reply.status == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"bibia\"");
  return reply;
}

}  // namespace bibia::web
