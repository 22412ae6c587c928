#include "access/request_check.h"

namespace bibia::access {

RequestCheck::RequestCheck(const AccessControl& access, const AccessControl::Credentials& credentials, Operation op)
    : access_(access), op_(op) {
  auto caller = access.Identify(credentials);
  if (!caller.ok()) {
    caller_.address = credentials.address;
    // Audited under the subject the token claims, marked as unverified.
    if (credentials.bearer) caller_.subject = ClaimedSubject(*credentials.bearer);
    decision_ = caller.status();
    return;
  }
  caller_ = std::move(*caller);
  decision_ = access.Authorize(caller_, op);
}

absl::Status RequestCheck::Finish(const absl::Status& result, absl::Status* audit_error) {
  const absl::Status status = decision_.ok() ? result : decision_;
  absl::Status audit = access_.Audit(caller_, op_, records_, status);
  if (audit_error != nullptr) *audit_error = audit;
  return status;
}

}  // namespace bibia::access
