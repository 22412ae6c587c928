#include "cli/args.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/absl_view.h"
#include "cli/command_specs.h"
#include "cli/errors.h"
#include "google/protobuf/stubs/common.h"

namespace bibia::cli {
namespace {

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags, std::string_view name) {
  for (const FlagSpec& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

bool IsCommandFlag(std::string_view name) {
  for (const CommandSpec& spec : Commands()) {
    if (FindFlag(spec.flags, name) != nullptr) return true;
  }
  return false;
}

// "put, get, list, delete" for the group "project".
std::string SubcommandNames(std::string_view group) {
  std::vector<std::string> names;
  for (const CommandSpec& spec : Commands()) {
    std::string_view path = spec.path;
    if (path.size() > group.size() && path.starts_with(group) &&
        path[group.size()] == ' ') {
      names.emplace_back(path.substr(group.size() + 1));
    }
  }
  return absl::StrJoin(names, ", ");
}

std::string TopLevelCommandNames() {
  std::vector<std::string> names;
  for (const CommandSpec& spec : Commands()) {
    if (spec.path.find(' ') == std::string_view::npos) names.emplace_back(spec.path);
  }
  return absl::StrJoin(names, ", ");
}

// Protobuf refuses to send a string field that is not UTF-8 (the call failed
// as INTERNAL with no message): the CLI names the argument first.
bool IsValidUtf8(std::string_view text) {
  return google::protobuf::internal::IsStructurallyValidUTF8(text.data(), static_cast<int>(text.size()));
}

// A file name is bytes to the kernel, never put into a message: exempt.
bool NamesAFile(std::string_view value_name) {
  return value_name.starts_with("FILE") || value_name.ends_with(".json") || value_name.ends_with(".key");
}

// A year: longer deadlines overflow gRPC's clock (the call failed at once).
constexpr double kMaxTimeoutSeconds = 365.0 * 24 * 3600;

std::optional<double> ParseTimeout(std::string_view text) {
  double seconds = 0;
  if (!absl::SimpleAtod(AbslView(text), &seconds) || !std::isfinite(seconds) ||
      seconds <= 0 || seconds > kMaxTimeoutSeconds) {
    return std::nullopt;
  }
  return seconds;
}

class Parser {
 public:
  Parser(const std::vector<std::string>& args, std::string_view default_node)
      : args_(args) {
    invocation_.global.node = std::string(default_node);
  }

  absl::StatusOr<Invocation> Parse() {
    bool flags_ended = false;
    for (size_t i = 0; i < args_.size(); ++i) {
      const std::string& arg = args_[i];
      if (!flags_ended && arg == "--") {
        flags_ended = true;
      } else if (!flags_ended && arg.size() > 1 && arg[0] == '-') {
        absl::Status status = ParseFlag(i);
        if (!status.ok()) {
          if (spec_ == nullptr) return status;
          Record(std::move(status));
        }
      } else if (spec_ == nullptr || spec_->is_group) {
        absl::Status status = ParseCommandWord(arg);
        if (!status.ok()) return status;
      } else {
        const size_t index = std::min(invocation_.positionals.size(), spec_->positionals.size() - 1);
        const bool file = !spec_->positionals.empty() && NamesAFile(spec_->positionals[index]);
        if (!file && !IsValidUtf8(arg)) {
          Record(UsageError(absl::StrCat("argument ", invocation_.positionals.size() + 1, " is not valid UTF-8"),
                            command()));
        }
        invocation_.positionals.push_back(arg);
      }
    }
    return Finish();
  }

 private:
  std::string_view command() const { return spec_ == nullptr ? "" : spec_->path; }

  void Record(absl::Status status) {
    if (first_error_.ok()) first_error_ = std::move(status);
  }

  absl::Status ParseCommandWord(const std::string& word) {
    const std::string path =
        spec_ == nullptr ? word : absl::StrCat(AbslView(spec_->path), " ", word);
    const CommandSpec* found = FindCommand(path);
    if (found == nullptr) {
      if (spec_ == nullptr) {
        return UsageError(absl::StrCat("unknown command '", word,
                                       "' (one of: ", TopLevelCommandNames(), ")"),
                          "");
      }
      return UsageError(
          absl::StrCat("unknown subcommand '", word, "' for '", AbslView(spec_->path),
                       "' (one of: ", SubcommandNames(spec_->path), ")"),
          spec_->path);
    }
    spec_ = found;
    invocation_.command = std::string(found->path);
    return absl::OkStatus();
  }

  // Parses the flag at args_[*index], consuming its value if it takes one.
  absl::Status ParseFlag(size_t& index) {
    // "-o FILE" is "--output FILE" for the commands that write a file.
    static const std::string kOutput = "--output";
    const bool short_output = args_[index] == "-o" && spec_ != nullptr && FindFlag(spec_->flags, "output") != nullptr;
    const std::string& arg = short_output ? kOutput : args_[index];
    if (arg == "-h") {
      invocation_.help = true;
      return absl::OkStatus();
    }
    if (arg.size() < 3 || arg[1] != '-') {
      // Without what follows '=': it may be a mistyped --token=SECRET.
      return UsageError(absl::StrCat("unknown flag '", arg.substr(0, arg.find('=')), "'"),
                        command());
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (const size_t equals = name.find('='); equals != std::string::npos) {
      inline_value = name.substr(equals + 1);
      name.resize(equals);
    }

    // A command's own flag shadows a global flag of the same name.
    const FlagSpec* flag = spec_ == nullptr ? nullptr : FindFlag(spec_->flags, name);
    const bool global = flag == nullptr && FindFlag(GlobalFlags(), name) != nullptr;
    if (global) flag = FindFlag(GlobalFlags(), name);
    if (flag == nullptr) {
      if (spec_ == nullptr && IsCommandFlag(name)) {
        return UsageError(absl::StrCat("flag --", name, " must come after the command"),
                          "");
      }
      if (spec_ == nullptr || spec_->is_group) {
        return UsageError(absl::StrCat("unknown flag --", name), command());
      }
      return UsageError(absl::StrCat("unknown flag --", name, " for '",
                                     AbslView(spec_->path), "'"),
                        command());
    }

    std::string value;
    if (flag->value_name.empty()) {
      if (inline_value.has_value()) {
        return UsageError(absl::StrCat("flag --", name, " takes no value"), command());
      }
    } else if (inline_value.has_value()) {
      value = *std::move(inline_value);
    } else if (index + 1 < args_.size()) {
      value = args_[++index];
    } else {
      return UsageError(absl::StrCat("flag --", name, " needs a value (",
                                     AbslView(flag->value_name), ")"),
                        command());
    }

    if (!NamesAFile(flag->value_name) && !IsValidUtf8(value)) {
      return UsageError(absl::StrCat("--", name, ": not valid UTF-8"), command());
    }
    if (!global) {
      invocation_.flags[name] = std::move(value);
      return absl::OkStatus();
    }
    return SetGlobal(name, value);
  }

  absl::Status SetGlobal(std::string_view name, const std::string& value) {
    if (name != "help" && name != "json" && name != "timeout") {
      invocation_.global_flags.emplace(name);
    }
    if (name == "help") {
      invocation_.help = true;
    } else if (name == "json") {
      invocation_.global.json = true;
    } else if (name == "node") {
      if (value.empty()) return UsageError("--node: empty address", command());
      invocation_.global.node = value;
    } else if (name == "timeout") {
      std::optional<double> seconds = ParseTimeout(value);
      if (!seconds.has_value()) {
        return UsageError(absl::StrCat("--timeout: expected a positive number of "
                                       "seconds up to a year, got '", value, "'"),
                          command());
      }
      invocation_.global.timeout_seconds = *seconds;
    } else if (name == "token") {
      invocation_.global.token = value;  // empty: send no token at all
    } else if (name == "ca") {
      if (value.empty()) return UsageError("--ca: empty file name", command());
      invocation_.global.ca_file = value;
    } else if (name == "roster") {
      if (value.empty()) return UsageError("--roster: empty file name", command());
      invocation_.global.roster_file = value;
    } else if (name == "insecure") {
      invocation_.global.insecure = true;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Invocation> Finish() {
    if (invocation_.help) return std::move(invocation_);
    if (!first_error_.ok()) return first_error_;
    if (invocation_.global.insecure &&
        (!invocation_.global.ca_file.empty() || !invocation_.global.roster_file.empty())) {
      return UsageError("--insecure cannot be combined with --ca or --roster", command());
    }
    if (spec_ == nullptr) {
      return UsageError(
          absl::StrCat("missing command (one of: ", TopLevelCommandNames(), ")"), "");
    }
    if (spec_->is_group) {
      return UsageError(absl::StrCat("missing subcommand for '", AbslView(spec_->path),
                                     "' (one of: ", SubcommandNames(spec_->path), ")"),
                        spec_->path);
    }
    const auto& names = spec_->positionals;
    const size_t given = invocation_.positionals.size();
    if (given + (spec_->last_positional_optional ? 1 : 0) < names.size()) {
      return UsageError(absl::StrCat("missing argument ", AbslView(names[given])),
                        spec_->path);
    }
    if (given > names.size() && !spec_->last_positional_repeats) {
      return UsageError(absl::StrCat("unexpected argument '",
                                     invocation_.positionals[names.size()], "'"),
                        spec_->path);
    }
    for (const FlagSpec& flag : spec_->flags) {
      if (flag.required && !invocation_.HasFlag(flag.name)) {
        return UsageError(absl::StrCat("missing required flag --", AbslView(flag.name),
                                       " ", AbslView(flag.value_name)),
                          spec_->path);
      }
    }
    return std::move(invocation_);
  }

  const std::vector<std::string>& args_;
  Invocation invocation_;
  const CommandSpec* spec_ = nullptr;
  absl::Status first_error_;
};

}  // namespace

bool Invocation::HasFlag(std::string_view name) const {
  return flags.find(name) != flags.end();
}

std::optional<std::string> Invocation::Flag(std::string_view name) const {
  auto it = flags.find(name);
  if (it == flags.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args,
                                     std::string_view default_node) {
  return Parser(args, default_node).Parse();
}

std::string_view HelpText(const Invocation& invocation) {
  const CommandSpec* spec = FindCommand(invocation.command);
  return spec == nullptr ? GlobalHelp() : spec->help;
}

}  // namespace bibia::cli
