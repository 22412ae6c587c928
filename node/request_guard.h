// Every RPC goes through a RequestGuard: it identifies the caller, asks the
// policy point (access/) whether the operation is allowed, and on Finish logs
// the outcome and converts the status for gRPC. Handlers never decide access.
#ifndef BIBIA_NODE_REQUEST_GUARD_H_
#define BIBIA_NODE_REQUEST_GUARD_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "access/caller.h"
#include "access/policy.h"
#include "grpcpp/server_context.h"

namespace bibia::node {

class RequestGuard {
 public:
  RequestGuard(const access::Policy& policy, grpc::ServerContext* context, access::Operation op);

  // Whether the policy allowed the operation; if not, return Finish() at once.
  bool allowed() const { return decision_.ok(); }
  const access::Caller& caller() const { return caller_; }

  // Logs the request and returns its gRPC status: the policy's denial if it
  // denied, else `result`.
  grpc::Status Finish(const absl::Status& result = absl::OkStatus());

 private:
  access::Operation op_;
  access::Caller caller_;
  absl::Status decision_;
  absl::Time start_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_REQUEST_GUARD_H_
