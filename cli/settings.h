// Where the global settings come from when the command line leaves them out:
// the environment, then the config file ($BIBIA_CONFIG, default
// $HOME/.config/bibia/config). Command-line flags override the environment,
// which overrides the file.
#ifndef BIBIA_CLI_SETTINGS_H_
#define BIBIA_CLI_SETTINGS_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "cli/args.h"

namespace bibia::cli {

// The variables bibia reads; an empty value counts as unset.
struct Environment {
  std::string node;      // BIBIA_NODE
  std::string token;     // BIBIA_TOKEN
  std::string ca;        // BIBIA_CA
  std::string insecure;  // BIBIA_INSECURE: 1/true/yes or 0/false/no
  std::string config;    // BIBIA_CONFIG
  std::string home;      // HOME

  static Environment FromProcess();
};

struct ConfigEntry {
  std::string value;
  int line = 0;
};

// A parsed config file: lines "key = value" with the keys node, token, ca and
// insecure; blank lines and lines starting with '#' are skipped, and " #"
// starts a comment after a value. A value may be quoted ("..." or '...').
struct ConfigFile {
  std::string path;  // empty when there is no file
  std::map<std::string, ConfigEntry, std::less<>> entries;

  // "PATH:LINE" of `key`'s line.
  std::string Where(const ConfigEntry& entry) const;
};

// $BIBIA_CONFIG, else $HOME/.config/bibia/config, else empty.
std::string ConfigPath(const Environment& env);

// Parses the text of the config file at `path`. A malformed line, an unknown
// or repeated key or an empty value is a UsageError naming "PATH:LINE".
absl::StatusOr<ConfigFile> ParseConfig(std::string_view text, std::string_view path);

// Reads the config file of `env`. A missing default file is an empty config;
// a missing $BIBIA_CONFIG file is a NotFound error.
absl::StatusOr<ConfigFile> LoadConfig(const Environment& env);

// Fills what the command line left out of `invocation.global` (see
// invocation.global_flags) from `env`, then from `config`:
//   node      --node, BIBIA_NODE, node =, else 127.0.0.1:7700
//   token     --token, BIBIA_TOKEN, token =
//   security  the first of the command line (--ca, --roster, --insecure),
//             the environment (BIBIA_CA, BIBIA_INSECURE) and the file (ca =,
//             insecure =) that sets any of them decides alone; a relative
//             ca = path is relative to the config file's directory.
// Then checks the token's characters. Usage errors never contain the token.
absl::Status ResolveGlobalOptions(const Environment& env, const ConfigFile& config,
                                  Invocation& invocation);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_SETTINGS_H_
