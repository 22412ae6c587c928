// The node's HTTP surface, transport-free: the JSON API (protobuf JSON
// mapping of the gRPC messages), the open-data exports, the page's assets
// and /healthz. Every API request passes the policy point
// (access::RequestCheck): the same identification, anonymous rate limit,
// authorization, projection and audit as gRPC.
#ifndef BIBIA_WEB_API_H_
#define BIBIA_WEB_API_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "access/access_control.h"
#include "catalog/catalog_store.h"
#include "web/request.h"

namespace bibia::web {

// Longest request path accepted.
inline constexpr size_t kMaxPathBytes = 2048;

class Api {
 public:
  // One answered request, for the node's log.
  struct Event {
    const Request* request = nullptr;
    std::string operation;       // policy operation, or "asset", "healthz", "refused"
    std::string caller;          // access::Describe
    std::string tier;            // access::TierName
    absl::Status status;         // the outcome
    absl::Status audit_error;    // an audit event that could not be stored
    int http_status = 0;
    double ms = 0;
  };
  using Logger = std::function<void(const Event&)>;

  struct Options {
    // Where the page is reached ("https://host:port"): exports name project
    // pages under it. Empty: exports use urn:bibia: names.
    std::string base_url;
    Logger logger;  // may be empty
  };

  // `store` and `access` must outlive the object.
  Api(catalog::CatalogStore* store, const access::AccessControl* access, Options options)
      : store_(store), access_(access), options_(std::move(options)) {}

  // The reply to `request`, headers included (Finish applied). Never
  // throws; bad input is a 4xx JSON error. Thread-safe.
  Reply Handle(const Request& request) const;

 private:
  Reply Route(const Request& request, Event* event) const;
  Reply Projects(const Request& request, Event* event) const;
  Reply Project(const Request& request, const std::string& id, Event* event) const;
  Reply Feedback(const Request& request, const std::string& id, Event* event) const;
  Reply Stats(const Request& request, Event* event) const;
  Reply Export(const Request& request, const std::string& name, Event* event) const;
  Reply Asset(const Request& request, const std::string& path, Event* event) const;

  catalog::CatalogStore* const store_;
  const access::AccessControl* const access_;
  const Options options_;
};

// Adds the headers every reply carries: ETag (304 when If-None-Match
// matches), Cache-Control, CORS for shared replies to requests without a
// token, Content-Security-Policy without inline script, nosniff, no
// referrer.
void FinishReply(const Request& request, Reply* reply);

}  // namespace bibia::web

#endif  // BIBIA_WEB_API_H_
