// Options that apply to every command: which node to call and how to secure
// the connection, the bearer token, how long to wait, and whether to print
// JSON.
#ifndef BIBIA_CLI_GLOBAL_OPTIONS_H_
#define BIBIA_CLI_GLOBAL_OPTIONS_H_

#include <string>

namespace bibia::cli {

struct GlobalOptions {
  std::string node;              // HOST:PORT (any gRPC target works)
  bool json = false;             // print one JSON document on stdout
  double timeout_seconds = 10;   // deadline of each unary call

  // Transport security. Without any of the three: TLS trusting the system
  // roots. ca_file and roster_file may be combined (both are trusted).
  std::string ca_file;      // PEM trust anchor(s), e.g. a node's tls.crt
  std::string roster_file;  // trust the tls_certificate of every member
  bool insecure = false;    // plaintext gRPC

  // Sent as "authorization: Bearer <token>" on every call when not empty.
  // A secret: never part of any message bibia prints.
  std::string token;
};

}  // namespace bibia::cli

#endif  // BIBIA_CLI_GLOBAL_OPTIONS_H_
