// Command-line parsing: turns argv into the command to run, its positional
// arguments, its flags and the global options, or a usage error.
#ifndef BIBIA_CLI_ARGS_H_
#define BIBIA_CLI_ARGS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/global_options.h"

namespace bibia::cli {

inline constexpr std::string_view kDefaultNode = "127.0.0.1:7700";

struct Invocation {
  GlobalOptions global;
  std::string command;  // "project list"; empty for a bare `bibia --help`
  bool help = false;    // print the help of `command` (or the global help)
  std::vector<std::string> positionals;
  std::map<std::string, std::string, std::less<>> flags;  // "domain" -> "water"
  // Names of the global flags given on the command line ("node", "token",
  // ...): those win over the environment and the config file.
  std::set<std::string, std::less<>> global_flags;

  bool HasFlag(std::string_view name) const;
  // The value of a flag given on the command line, if any.
  std::optional<std::string> Flag(std::string_view name) const;
};

// Parses `args` (argv without the program name). `default_node` is used when
// --node is absent (the caller reads $BIBIA_NODE). Global flags may come
// before or after the command words; command flags after them. Both
// "--flag value" and "--flag=value" work, "--" ends the flags, and "-" is a
// positional argument. --help/-h anywhere after a known command wins over
// other mistakes. A command flag with the name of a global flag (--roster of
// the roster file commands) shadows the global one after the command words.
// --insecure cannot be combined with --ca or --roster. Errors are
// UsageError()s; none of them contains the value of --token.
absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args,
                                     std::string_view default_node);

// The usage text to print for `invocation.help`.
std::string_view HelpText(const Invocation& invocation);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_ARGS_H_
