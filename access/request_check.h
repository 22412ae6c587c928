// One request's passage through the policy point, whatever its transport
// (gRPC's RequestGuard in node/, the HTTP gateway in web/): identify the
// caller from what the transport knows, authorize the operation, and on
// Finish audit it. Transports add their own logging around it; none decides
// a tier itself.
#ifndef BIBIA_ACCESS_REQUEST_CHECK_H_
#define BIBIA_ACCESS_REQUEST_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "access/access_control.h"

namespace bibia::access {

class RequestCheck {
 public:
  // Identifies and authorizes at once. `access` must outlive the object.
  RequestCheck(const AccessControl& access, const AccessControl::Credentials& credentials, Operation op);
  RequestCheck(const RequestCheck&) = delete;
  RequestCheck& operator=(const RequestCheck&) = delete;

  // Whether the caller was identified and allowed; if not, Finish() returns
  // the refusal (UNAUTHENTICATED, RESOURCE_EXHAUSTED, PERMISSION_DENIED).
  bool allowed() const { return decision_.ok(); }
  const Caller& caller() const { return caller_; }
  Operation operation() const { return op_; }

  // Names a record the request touches, for the audit log.
  void AddRecord(std::string id) { records_.push_back(std::move(id)); }

  // The policy's refusal if it refused, else `result`; audits the request as
  // policy.h says. `audit_error` (if given) receives an audit event that
  // could not be stored, for the transport to log.
  absl::Status Finish(const absl::Status& result = absl::OkStatus(), absl::Status* audit_error = nullptr);

 private:
  const AccessControl& access_;
  const Operation op_;
  Caller caller_;
  absl::Status decision_;
  std::vector<std::string> records_;
};

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_REQUEST_CHECK_H_
