// What a command handler receives (the parsed invocation, the channel to the
// node, stdin and stderr) and what it returns: its stdout text or an error.
#ifndef BIBIA_CLI_COMMAND_CONTEXT_H_
#define BIBIA_CLI_COMMAND_CONTEXT_H_

#include <istream>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "grpcpp/channel.h"

namespace bibia::cli {

struct CommandContext {
  const Invocation& invocation;
  std::shared_ptr<grpc::Channel> channel;  // null for offline commands
  std::istream& in;   // read by "-" file arguments
  std::ostream& err;  // progress messages only; errors are returned
  bool err_is_tty = false;

  const GlobalOptions& global() const { return invocation.global; }
};

// A handler returns everything it prints on stdout, so that nothing reaches
// stdout when it fails (unless the error carries its own stdout text, see
// WithStdout in cli/errors.h).
using CommandHandler = absl::StatusOr<std::string> (*)(const CommandContext& context);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_COMMAND_CONTEXT_H_
