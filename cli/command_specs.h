// The table of bibia's commands: their positional arguments, their flags and
// their help texts. The argument parser and the help output both read it.
#ifndef BIBIA_CLI_COMMAND_SPECS_H_
#define BIBIA_CLI_COMMAND_SPECS_H_

#include <string_view>
#include <vector>

namespace bibia::cli {

struct FlagSpec {
  std::string_view name;        // without the leading "--"
  std::string_view value_name;  // empty for a flag that takes no value
  bool required = false;
};

struct CommandSpec {
  std::string_view path;  // "project list"; a group ("project") has no handler
  bool is_group = false;
  std::vector<std::string_view> positionals = {};  // names, e.g. {"ID"}
  bool last_positional_repeats = false;       // search "QUERY" may be split
  bool last_positional_optional = false;      // artifact list [PROJECT_ID]
  std::vector<FlagSpec> flags = {};
  std::string_view help;  // full text printed by --help
  // Works on local files only: no node, no config file, no token.
  bool offline = false;
};

// Flags understood by every command, before or after the command words.
const std::vector<FlagSpec>& GlobalFlags();

// Every command and command group.
const std::vector<CommandSpec>& Commands();

// The spec whose path is `path`, or nullptr.
const CommandSpec* FindCommand(std::string_view path);

// Text of `bibia --help`.
std::string_view GlobalHelp();

}  // namespace bibia::cli

#endif  // BIBIA_CLI_COMMAND_SPECS_H_
