// The one place where absl::Status becomes an HTTP reply, as
// node/grpc_status.h is for gRPC: the same caller-visible message
// (catalog::CallerMessage), an HTTP code chosen by the status code.
#ifndef BIBIA_WEB_HTTP_STATUS_H_
#define BIBIA_WEB_HTTP_STATUS_H_

#include "absl/status/status.h"
#include "web/request.h"

namespace bibia::web {

// 400 INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION; 401
// UNAUTHENTICATED; 403 PERMISSION_DENIED; 404 NOT_FOUND; 409 ALREADY_EXISTS,
// ABORTED; 429 RESOURCE_EXHAUSTED; 499 CANCELLED; 501 UNIMPLEMENTED; 503
// UNAVAILABLE; 504 DEADLINE_EXCEEDED; 500 otherwise. OK is 200.
int HttpStatusOf(absl::StatusCode code);

// {"error":{"code":"INVALID_ARGUMENT","message":"..."}} with HttpStatusOf's
// code, or `http_status` when given (405, 414: what HTTP names better).
// 401 carries WWW-Authenticate: Bearer. REQUIRES: !status.ok().
Reply ErrorReply(const absl::Status& status, int http_status = 0);

// JSON string literal of `text` (quotes included), for the few hand-built
// JSON bodies; `text` must be valid UTF-8 (CallerMessage output is).
std::string JsonString(std::string_view text);

}  // namespace bibia::web

#endif  // BIBIA_WEB_HTTP_STATUS_H_
