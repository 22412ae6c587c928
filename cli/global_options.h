// Options that apply to every command: which node to call, how long to wait,
// and whether to print JSON.
#ifndef BIBIA_CLI_GLOBAL_OPTIONS_H_
#define BIBIA_CLI_GLOBAL_OPTIONS_H_

#include <string>

namespace bibia::cli {

struct GlobalOptions {
  std::string node;              // HOST:PORT (any gRPC target works)
  bool json = false;             // print one JSON document on stdout
  double timeout_seconds = 10;   // deadline of each unary call
};

}  // namespace bibia::cli

#endif  // BIBIA_CLI_GLOBAL_OPTIONS_H_
