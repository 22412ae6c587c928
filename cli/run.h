// The whole of bibia behind main(): parses the command line, resolves the
// settings from the environment and the config file, runs the command and
// reports errors; returns the process exit code.
#ifndef BIBIA_CLI_RUN_H_
#define BIBIA_CLI_RUN_H_

#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/settings.h"

namespace bibia::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool err_is_tty = false;
};

// `args` is argv without the program name; `env` the variables bibia reads
// (Environment::FromProcess() in main). Exit codes: kExitOk, kExitFailure,
// kExitUsage (cli/errors.h). The token is cut out of every error message.
int Run(const std::vector<std::string>& args, const Environment& env, Io io);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_RUN_H_
