#include "node/flags.h"

#include "absl/strings/str_cat.h"

namespace bibia::node {

std::string ParsedFlags::get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() ? fallback : it->second;
}

absl::StatusOr<ParsedFlags> ParseFlags(int argc, char** argv, int first, const std::set<std::string>& with_value,
                                       const std::set<std::string>& switches) {
  ParsedFlags flags;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      flags.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      flags.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    if (switches.count(name)) {
      if (inline_value) return absl::InvalidArgumentError(absl::StrCat("--", name, ": takes no value"));
      flags.values[name] = "true";
      continue;
    }
    if (!with_value.count(name)) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    if (!inline_value) {
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat("--", name, ": missing value"));
      value = argv[++i];
    }
    flags.values[name] = value;
  }
  return flags;
}

}  // namespace bibia::node
