// bibia: command-line client of a bibia node (see cli/run.h).
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/run.h"
#include "cli/settings.h"
#include "grpc/support/log.h"

namespace {

void DropGrpcLog(gpr_log_func_args* /*args*/) {}

}  // namespace

int main(int argc, char** argv) {
  // gRPC's own log lines (e.g. "Handshake failed with fatal error ...") would
  // repeat, less clearly, the error bibia reports; GRPC_VERBOSITY brings them
  // back for debugging.
  if (std::getenv("GRPC_VERBOSITY") == nullptr) gpr_set_log_function(DropGrpcLog);
  const std::vector<std::string> args(argv + 1, argv + argc);
  return bibia::cli::Run(args, bibia::cli::Environment::FromProcess(),
                         {.in = std::cin,
                          .out = std::cout,
                          .err = std::cerr,
                          .err_is_tty = isatty(STDERR_FILENO) == 1});
}
