#include "cli/settings.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "access/endpoint.h"
#include "cli/absl_view.h"
#include "cli/errors.h"

namespace bibia::cli {
namespace {

constexpr std::string_view kConfigKeys[] = {"node", "token", "ca", "insecure"};

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string_view Trim(std::string_view text) {
  return StdView(absl::StripAsciiWhitespace(AbslView(text)));
}

// True/false for 1/true/yes and 0/false/no (any case); nullopt otherwise.
std::optional<bool> ParseBool(std::string_view text) {
  const std::string lower = absl::AsciiStrToLower(AbslView(text));
  if (lower == "1" || lower == "true" || lower == "yes") return true;
  if (lower == "0" || lower == "false" || lower == "no") return false;
  return std::nullopt;
}

// Printable ASCII without spaces: what a gRPC metadata value and a bibia
// token (bibia1. + base64url) are made of.
bool IsTokenText(std::string_view token) {
  for (const char c : token) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

absl::Status CheckToken(std::string_view token, std::string_view source) {
  if (IsTokenText(token)) return absl::OkStatus();
  return UsageError(absl::StrCat("token from ", AbslView(source),
                                 ": contains spaces, control or non-ASCII characters "
                                 "(a bibia token is 'bibia1.' and base64url text)"),
                    "");
}

}  // namespace

Environment Environment::FromProcess() {
  return {.node = GetEnv("BIBIA_NODE"),
          .token = GetEnv("BIBIA_TOKEN"),
          .ca = GetEnv("BIBIA_CA"),
          .insecure = GetEnv("BIBIA_INSECURE"),
          .config = GetEnv("BIBIA_CONFIG"),
          .home = GetEnv("HOME")};
}

std::string ConfigFile::Where(const ConfigEntry& entry) const {
  return absl::StrCat(path, ":", entry.line);
}

std::string ConfigPath(const Environment& env) {
  if (!env.config.empty()) return env.config;
  if (env.home.empty()) return "";
  return (std::filesystem::path(env.home) / ".config" / "bibia" / "config").string();
}

absl::StatusOr<ConfigFile> ParseConfig(std::string_view text, std::string_view path) {
  ConfigFile config;
  config.path = std::string(path);
  int line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat(AbslView(path), ":", line_number);
    const size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return UsageError(absl::StrCat(where, ": expected 'key = value'"), "");
    }
    const std::string_view key = Trim(line.substr(0, equals));
    std::string_view value = Trim(line.substr(equals + 1));
    if (const size_t comment = value.find(" #"); comment != std::string_view::npos) {
      value = Trim(value.substr(0, comment));
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    bool known = false;
    for (const std::string_view name : kConfigKeys) known = known || key == name;
    if (!known) {
      return UsageError(absl::StrCat(where, ": unknown key '", AbslView(key),
                                     "' (one of: node, token, ca, insecure)"),
                        "");
    }
    if (value.empty()) {
      return UsageError(absl::StrCat(where, ": ", AbslView(key), ": empty value"), "");
    }
    auto [it, inserted] = config.entries.try_emplace(
        std::string(key), ConfigEntry{std::string(value), line_number});
    if (!inserted) {
      return UsageError(absl::StrCat(where, ": ", AbslView(key), " is already set on line ",
                                     it->second.line),
                        "");
    }
  }
  return config;
}

absl::StatusOr<ConfigFile> LoadConfig(const Environment& env) {
  const std::string path = ConfigPath(env);
  if (path.empty()) return ConfigFile();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    if (env.config.empty()) return ConfigFile();  // the default file is optional
    return absl::NotFoundError(
        absl::StrCat("config file ", path, " (BIBIA_CONFIG): no such file"));
  }
  if (std::filesystem::is_directory(path, error)) {
    return absl::InvalidArgumentError(absl::StrCat("config file ", path, ": is a directory"));
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  if (!file) return absl::DataLossError(absl::StrCat("config file ", path, ": cannot read"));
  return ParseConfig(text.str(), path);
}

absl::Status ResolveGlobalOptions(const Environment& env, const ConfigFile& config,
                                  Invocation& invocation) {
  GlobalOptions& global = invocation.global;
  const auto given = [&](std::string_view flag) {
    return invocation.global_flags.contains(flag);
  };
  const auto entry = [&](std::string_view key) -> const ConfigEntry* {
    auto it = config.entries.find(key);
    return it == config.entries.end() ? nullptr : &it->second;
  };

  // Where the address came from, for the error if it is malformed.
  std::string node_source = "--node";
  if (!given("node")) {
    if (!env.node.empty()) {
      global.node = env.node;
      node_source = "BIBIA_NODE";
    } else if (const ConfigEntry* node = entry("node")) {
      global.node = node->value;
      node_source = absl::StrCat(config.Where(*node), ": node");
    } else {
      global.node = std::string(kDefaultNode);
    }
  }
  // gRPC's own target forms (unix:PATH, dns:///HOST:PORT, ...) are passed on
  // as they are; a bare address must be HOST:PORT.
  const bool grpc_target = absl::StartsWith(global.node, "unix:") || absl::StartsWith(global.node, "unix-abstract:") ||
                           absl::StartsWith(global.node, "dns:") || absl::StartsWith(global.node, "ipv4:") ||
                           absl::StartsWith(global.node, "ipv6:");
  if (absl::Status status = access::CheckEndpoint(global.node, node_source);
      !grpc_target && !status.ok()) {
    return UsageError(StdView(status.message()), "");
  }

  if (given("token")) {
    if (absl::Status status = CheckToken(global.token, "--token"); !status.ok()) return status;
  } else if (!env.token.empty()) {
    if (absl::Status status = CheckToken(env.token, "BIBIA_TOKEN"); !status.ok()) return status;
    global.token = env.token;
  } else if (const ConfigEntry* token = entry("token")) {
    absl::Status status = CheckToken(token->value, config.Where(*token));
    if (!status.ok()) return status;
    global.token = token->value;
  }

  if (given("ca") || given("roster") || given("insecure")) return absl::OkStatus();
  if (!env.ca.empty() || !env.insecure.empty()) {
    bool insecure = false;
    if (!env.insecure.empty()) {
      std::optional<bool> value = ParseBool(env.insecure);
      if (!value.has_value()) {
        return UsageError(absl::StrCat("BIBIA_INSECURE: expected 1 or 0, got '",
                                       env.insecure, "'"),
                          "");
      }
      insecure = *value;
    }
    if (insecure && !env.ca.empty()) {
      return UsageError("BIBIA_INSECURE=1 and BIBIA_CA contradict each other", "");
    }
    global.insecure = insecure;
    global.ca_file = env.ca;
    return absl::OkStatus();
  }
  const ConfigEntry* ca = entry("ca");
  const ConfigEntry* insecure = entry("insecure");
  if (insecure != nullptr) {
    std::optional<bool> value = ParseBool(insecure->value);
    if (!value.has_value()) {
      return UsageError(absl::StrCat(config.Where(*insecure),
                                     ": insecure: expected true or false, got '",
                                     insecure->value, "'"),
                        "");
    }
    if (*value && ca != nullptr) {
      return UsageError(absl::StrCat(config.Where(*insecure),
                                     ": insecure = true contradicts ca = on line ", ca->line),
                        "");
    }
    global.insecure = *value;
  }
  if (ca != nullptr) {
    std::filesystem::path ca_path(ca->value);
    if (ca_path.is_relative()) {
      ca_path = std::filesystem::path(config.path).parent_path() / ca_path;
    }
    global.ca_file = ca_path.string();
  }
  return absl::OkStatus();
}

}  // namespace bibia::cli
