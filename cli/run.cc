#include "cli/run.h"

#include "absl/strings/str_replace.h"
#include "cli/absl_view.h"
#include "cli/args.h"
#include "cli/channel.h"
#include "cli/command_specs.h"
#include "cli/commands.h"
#include "cli/errors.h"

namespace bibia::cli {
namespace {

// `status` with every occurrence of `token` in its message replaced, in case
// a node or a library echoes it.
absl::Status WithoutToken(const absl::Status& status, const std::string& token) {
  // A real token is long; cutting out a few characters would only garble.
  if (token.size() < 6 || status.ok() ||
      status.message().find(AbslView(token)) == absl::string_view::npos) {
    return status;
  }
  absl::Status redacted(status.code(),
                        absl::StrReplaceAll(status.message(), {{token, "<token>"}}));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    redacted.SetPayload(url, payload);
  });
  return redacted;
}

}  // namespace

int Run(const std::vector<std::string>& args, const Environment& env, Io io) {
  if (args.size() == 1 && args[0] == "--version") {
    io.out << "bibia " << BIBIA_VERSION << "\n" << std::flush;
    return kExitOk;
  }
  absl::StatusOr<Invocation> invocation = ParseArgs(args, kDefaultNode);
  if (!invocation.ok()) return ReportError(invocation.status(), io.err);
  if (invocation->help) {
    io.out << HelpText(*invocation) << std::flush;
    return kExitOk;
  }
  const CommandHandler handler = FindHandler(invocation->command);
  const CommandSpec* spec = FindCommand(invocation->command);
  if (handler == nullptr || spec == nullptr) {
    return ReportError(absl::InternalError("no handler for '" + invocation->command + "'"),
                       io.err);
  }
  std::shared_ptr<grpc::Channel> channel;
  if (!spec->offline) {
    // Offline commands (the roster file commands) neither read the config
    // file nor connect.
    absl::StatusOr<ConfigFile> config = LoadConfig(env);
    if (!config.ok()) return ReportError(config.status(), io.err);
    if (absl::Status status = ResolveGlobalOptions(env, *config, *invocation); !status.ok()) {
      return ReportError(WithoutToken(status, invocation->global.token), io.err);
    }
    absl::StatusOr<std::shared_ptr<grpc::Channel>> made = MakeChannel(invocation->global);
    if (!made.ok()) return ReportError(made.status(), io.err);
    channel = *std::move(made);
  }
  const CommandContext context{.invocation = *invocation,
                               .channel = std::move(channel),
                               .in = io.in,
                               .err = io.err,
                               .err_is_tty = io.err_is_tty};
  absl::StatusOr<std::string> output = handler(context);
  if (!output.ok()) {
    if (std::optional<std::string> text = StdoutOf(output.status()); text.has_value()) {
      io.out << *text << std::flush;
    }
    return ReportError(WithoutToken(output.status(), invocation->global.token), io.err);
  }
  io.out << *output << std::flush;
  return kExitOk;
}

}  // namespace bibia::cli
