#include "cli/run.h"

#include "cli/args.h"
#include "cli/channel.h"
#include "cli/commands.h"
#include "cli/errors.h"

namespace bibia::cli {

int Run(const std::vector<std::string>& args, std::string_view default_node, Io io) {
  absl::StatusOr<Invocation> invocation =
      ParseArgs(args, default_node.empty() ? kDefaultNode : default_node);
  if (!invocation.ok()) return ReportError(invocation.status(), io.err);
  if (invocation->help) {
    io.out << HelpText(*invocation) << std::flush;
    return kExitOk;
  }
  const CommandHandler handler = FindHandler(invocation->command);
  if (handler == nullptr) {
    return ReportError(absl::InternalError("no handler for '" + invocation->command + "'"),
                       io.err);
  }
  const CommandContext context{.invocation = *invocation,
                               .channel = MakeChannel(invocation->global),
                               .in = io.in,
                               .err = io.err,
                               .err_is_tty = io.err_is_tty};
  absl::StatusOr<std::string> output = handler(context);
  if (!output.ok()) return ReportError(output.status(), io.err);
  io.out << *output << std::flush;
  return kExitOk;
}

}  // namespace bibia::cli
