// The whole of bibia behind main(): parses the command line, runs the
// command and reports errors; returns the process exit code.
#ifndef BIBIA_CLI_RUN_H_
#define BIBIA_CLI_RUN_H_

#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace bibia::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool err_is_tty = false;
};

// `args` is argv without the program name; `default_node` is $BIBIA_NODE or
// empty. Exit codes: kExitOk, kExitFailure, kExitUsage (cli/errors.h).
int Run(const std::vector<std::string>& args, std::string_view default_node, Io io);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_RUN_H_
