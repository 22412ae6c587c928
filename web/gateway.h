// The node's HTTP listener: cpp-httplib (Debian's libcpp-httplib) accepts
// connections on its own thread pool, turns each request into a web::Request
// and writes the web::Api's reply. HTTPS with the node's TLS certificate
// unless insecure. The HTTP library is seen by gateway.cc only.
#ifndef BIBIA_WEB_GATEWAY_H_
#define BIBIA_WEB_GATEWAY_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "web/api.h"

namespace httplib {
class Server;
}

namespace bibia::web {

// The conventional HTTP address (documented in bibia-node --help).
inline constexpr char kDefaultHttpAddress[] = "127.0.0.1:7780";

class Gateway {
 public:
  struct Options {
    std::string listen;    // HOST:PORT; port 0 picks a free one
    bool insecure = false;  // plain HTTP instead of HTTPS (development only)
    std::string tls_certificate_pem;  // required unless insecure
    std::string tls_key_pem;
    // Requests handled at once; more wait in the queue. An idle keep-alive
    // connection holds a thread up to 2 s.
    int threads = 16;
    Api::Options api;      // base_url empty: url() without its final '/'

  };

  // Listens and starts serving. `store` and `access` must outlive the object.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(const Options& options, catalog::CatalogStore* store,
                                                        const access::AccessControl* access);
  // Stop()s.
  ~Gateway();

  // The address listened on, with the chosen port ("127.0.0.1:43121").
  const std::string& address() const { return address_; }
  // "https://127.0.0.1:43121/" (http:// when insecure).
  std::string url() const;

  // Stops accepting, lets running requests finish, joins the threads.
  // Safe to call more than once.
  void Stop();

 private:
  Gateway() = default;
  std::unique_ptr<Api> api_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string address_;
  bool insecure_ = false;
};

}  // namespace bibia::web

#endif  // BIBIA_WEB_GATEWAY_H_
