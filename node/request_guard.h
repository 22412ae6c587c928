// Every RPC goes through a RequestGuard: it hands what the transport knows
// (address, bearer token, client certificate) to the policy point (access/),
// which identifies the caller and allows or denies the operation; on Finish it
// audits, logs the outcome and converts the status for gRPC. Handlers never
// decide access themselves.
#ifndef BIBIA_NODE_REQUEST_GUARD_H_
#define BIBIA_NODE_REQUEST_GUARD_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "access/access_control.h"
#include "access/request_check.h"
#include "grpcpp/server_context.h"

namespace bibia::node {

class CallsPerAddress;  // node/calls_per_address.h

class RequestGuard {
 public:
  RequestGuard(const access::AccessControl& access, grpc::ServerContext* context, access::Operation op);
  ~RequestGuard();
  RequestGuard(const RequestGuard&) = delete;
  RequestGuard& operator=(const RequestGuard&) = delete;

  // Requests being handled now, process-wide (graceful shutdown waits for 0).
  static int InFlight();
  // From now on, a request from an address (access::RateLimitKey) that
  // already has `max` in flight is refused RESOURCE_EXHAUSTED; 0: no cap
  // (the default). Called once, before the server starts.
  static void LimitCallsPerAddress(int max);

  // Whether the caller was identified and allowed; if not, return Finish().
  bool allowed() const { return check_ && check_->allowed(); }
  const access::Caller& caller() const { return check_ ? check_->caller() : over_cap_caller_; }

  // Names a record the request touches, for the audit log.
  void AddRecord(std::string id) {
    if (check_) check_->AddRecord(std::move(id));
  }

  // Audits and logs the request and returns its gRPC status: the policy's
  // refusal if it refused, else `result`.
  grpc::Status Finish(const absl::Status& result = absl::OkStatus());

 private:
  access::Operation op_;
  absl::Time start_;
  // The per-address cap this request was counted in (null: none), under
  // address_key_.
  CallsPerAddress* entered_ = nullptr;
  std::string address_key_;
  // The policy point's passage; empty for a call refused by the per-address
  // cap before it (a transport refusal, like gRPC's own, not audited).
  std::optional<access::RequestCheck> check_;
  access::Caller over_cap_caller_;
  absl::Status over_cap_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_REQUEST_GUARD_H_
