// What the HTTP gateway hands to the API and gets back: plain structs, so that
// the API is tested without sockets and the HTTP library stays in gateway.cc.
#ifndef BIBIA_WEB_REQUEST_H_
#define BIBIA_WEB_REQUEST_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bibia::web {

struct Request {
  std::string method;  // "GET", "HEAD", ...
  std::string path;    // percent-decoded, without the query string
  // Percent-decoded query parameters, in the order sent (repeats kept).
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> authorization;  // the Authorization header, if sent
  std::optional<std::string> if_none_match;  // the If-None-Match header, if sent
  std::string address;                       // "ipv4:1.2.3.4:5678", gRPC's peer form
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (Allow, WWW-Authenticate, Content-Disposition, ...).
  std::vector<std::pair<std::string, std::string>> headers;
  // The same bytes for every caller (public tier): other sites may read it
  // (CORS) and shared caches may keep it. False for replies projected to a
  // token's tier.
  bool shared = true;
};

}  // namespace bibia::web

#endif  // BIBIA_WEB_REQUEST_H_
