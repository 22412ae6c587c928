// bibia: command-line client of a bibia node (see cli/run.h).
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/run.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const char* node = std::getenv("BIBIA_NODE");
  return bibia::cli::Run(args, node == nullptr ? "" : node,
                         {.in = std::cin,
                          .out = std::cout,
                          .err = std::cerr,
                          .err_is_tty = isatty(STDERR_FILENO) == 1});
}
