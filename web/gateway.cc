#include "web/gateway.h"

#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "access/endpoint.h"
#include "catalog/status_macros.h"
#include "httplib.h"
#include "web/http_status.h"

namespace bibia::web {
namespace {

// "ipv4:1.2.3.4:5" / "ipv6:[::1]:5": gRPC's peer form, so that anonymous
// HTTP and gRPC callers share their rate-limit buckets.
std::string PeerOf(const httplib::Request& req) {
  if (req.remote_addr.find(':') != std::string::npos) {
    return absl::StrCat("ipv6:[", req.remote_addr, "]:", req.remote_port);
  }
  return absl::StrCat("ipv4:", req.remote_addr, ":", req.remote_port);
}

Request ToRequest(const httplib::Request& req) {
  Request out;
  out.method = req.method;
  out.path = req.path;
  for (const auto& [name, value] : req.params) out.params.emplace_back(name, value);
  if (req.has_header("Authorization")) out.authorization = req.get_header_value("Authorization");
  if (req.has_header("If-None-Match")) out.if_none_match = req.get_header_value("If-None-Match");
  out.address = PeerOf(req);
  return out;
}

void Write(const Reply& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (reply.status == 304) return;
  res.set_content(reply.body, reply.content_type.c_str());
}

struct PemKeys {
  X509* certificate = nullptr;
  EVP_PKEY* key = nullptr;
  ~PemKeys() {
    X509_free(certificate);
    EVP_PKEY_free(key);
  }
};

absl::Status ReadPem(const std::string& certificate_pem, const std::string& key_pem, PemKeys* out) {
  BIO* cert_bio = BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size()));
  out->certificate = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  out->key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  if (out->certificate == nullptr || out->key == nullptr) {
    return absl::InvalidArgumentError("--http: cannot read the node's TLS certificate or key (tls.crt, tls.key)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(const Options& options, catalog::CatalogStore* store,
                                                        const access::AccessControl* access) {
  BIBIA_RETURN_IF_ERROR(access::CheckEndpoint(options.listen, "--http", /*allow_port_zero=*/true));
  const size_t colon = options.listen.rfind(':');
  std::string host = options.listen.substr(0, colon);
  int port = 0;
  if (!absl::SimpleAtoi(options.listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError("--http: expected HOST:PORT");
  }
  const std::string listen_host = std::string(absl::StripSuffix(absl::StripPrefix(host, "["), "]"));

  auto gateway = std::unique_ptr<Gateway>(new Gateway());
  gateway->insecure_ = options.insecure;
  if (options.insecure) {
    gateway->server_ = std::make_unique<httplib::Server>();
  } else {
    PemKeys keys;
    BIBIA_RETURN_IF_ERROR(ReadPem(options.tls_certificate_pem, options.tls_key_pem, &keys));
    auto tls = std::make_unique<httplib::SSLServer>(keys.certificate, keys.key);
    if (!tls->is_valid()) return absl::InternalError("--http: cannot set up TLS with the node's certificate");
    gateway->server_ = std::move(tls);
  }
  httplib::Server& server = *gateway->server_;
  const int threads = options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(64 << 10);  // GET and HEAD only: no body is read
  server.set_read_timeout(5, 0);
  // Headers and body go out in two writes: without TCP_NODELAY, Nagle's
  // algorithm holds the body until the client's delayed ACK (~40 ms).
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100);
  server.set_keep_alive_timeout(2);
  server.set_write_timeout(30, 0);
  // api_ is set once bound, before the listener thread starts.
  Gateway* self = gateway.get();
  const auto handle = [self](const httplib::Request& req, httplib::Response& res) {
    Write(self->api_->Handle(ToRequest(req)), res);
  };
  // Every path and method goes to the Api, which refuses what it does not
  // serve with a JSON error ("[\s\S]*": a decoded path may hold a newline).
  const std::string any = "[\\s\\S]*";
  server.Get(any, handle);
  server.Post(any, handle);
  server.Put(any, handle);
  server.Patch(any, handle);
  server.Delete(any, handle);
  server.Options(any, handle);
  // What httplib refuses itself (unknown methods, a too long URI, a bad
  // request line) gets the same JSON error shape.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const absl::Status status = res.status == 414 ? absl::InvalidArgumentError("request: URI too long")
                                                  : absl::InvalidArgumentError(absl::StrCat(
                                                        "request: refused by the HTTP server (", res.status, ")"));
    Reply reply = ErrorReply(status, res.status);
    FinishReply(ToRequest(req), &reply);
    Write(reply, res);
  });
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    Reply reply = ErrorReply(absl::InternalError("request: internal error"));
    Write(reply, res);
  });
  // cpp-httplib sets SO_REUSEPORT by default: a second node on a port in use
  // would share it (and its requests) with the first instead of failing.
  // SO_REUSEADDR alone lets a restarted node bind past TIME_WAIT.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const int bound = port == 0 ? server.bind_to_any_port(listen_host) : (server.bind_to_port(listen_host, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("--http ", options.listen, ": cannot listen (address in use or not local?)"));
  }
  gateway->address_ = absl::StrCat(host, ":", bound);
  Api::Options api_options = options.api;
  // The exports name pages under the listener's own address by default.
  if (api_options.base_url.empty()) api_options.base_url = std::string(absl::StripSuffix(gateway->url(), "/"));
  gateway->api_ = std::make_unique<Api>(store, access, std::move(api_options));
  gateway->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // Until it runs, stop() would not reach it: wait (bounded) for it to.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return gateway;
}

Gateway::~Gateway() { Stop(); }

std::string Gateway::url() const { return absl::StrCat(insecure_ ? "http://" : "https://", address_, "/"); }

void Gateway::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace bibia::web
