// The config file and the precedence of flags over the environment over the
// file, for the node, the token and the transport security settings.
#include "cli/settings.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/absl_view.h"
#include "cli/args.h"
#include "cli/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Parses `args`, then resolves them against `env` and `config_text` (a
// config file named /etc/bibia/config).
absl::StatusOr<GlobalOptions> Resolve(std::vector<std::string> args, const Environment& env,
                                      std::string_view config_text = "") {
  args.push_back("stats");
  absl::StatusOr<Invocation> invocation = ParseArgs(args, kDefaultNode);
  if (!invocation.ok()) return invocation.status();
  absl::StatusOr<ConfigFile> config = ParseConfig(config_text, "/etc/bibia/config");
  if (!config.ok()) return config.status();
  if (absl::Status status = ResolveGlobalOptions(env, *config, *invocation); !status.ok()) {
    return status;
  }
  return invocation->global;
}

constexpr std::string_view kFullConfig =
    "# bibia settings\n"
    "\n"
    "node = file-node:7700\n"
    "  token=bibia1.FILETOKEN   # trailing comment\n"
    "ca = \"certs/file-ca.crt\"\n";

TEST(ConfigFileTest, ParsesKeysValuesCommentsAndQuotes) {
  absl::StatusOr<ConfigFile> config = ParseConfig(kFullConfig, "/etc/bibia/config");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->entries.size(), 3u);
  EXPECT_EQ(config->entries.at("node").value, "file-node:7700");
  EXPECT_EQ(config->entries.at("node").line, 3);
  EXPECT_EQ(config->entries.at("token").value, "bibia1.FILETOKEN");
  EXPECT_EQ(config->entries.at("ca").value, "certs/file-ca.crt");
  EXPECT_EQ(config->Where(config->entries.at("ca")), "/etc/bibia/config:5");
}

TEST(ConfigFileTest, MalformedLinesAreUsageErrorsNamingFileAndLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"node = a:1\nthis line is wrong\n", "/etc/bibia/config:2: expected 'key = value'"},
      {"\n\nnode: a:1\n", "/etc/bibia/config:3: expected 'key = value'"},
      {"nod = a:1\n", "/etc/bibia/config:1: unknown key 'nod' (one of: node, token, ca, insecure)"},
      {"node = a:1\nnode = b:2\n", "/etc/bibia/config:2: node is already set on line 1"},
      {"ca =   \n", "/etc/bibia/config:1: ca: empty value"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ConfigFile> config = ParseConfig(c.text, "/etc/bibia/config");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_TRUE(IsUsageError(config.status())) << c.text;
    EXPECT_EQ(config.status().message(), c.message);
  }
}

TEST(ConfigFileTest, MalformedTokenLineDoesNotShowTheToken) {
  absl::StatusOr<ConfigFile> config =
      ParseConfig("token bibia1.SECRETSECRET\n", "/etc/bibia/config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(StdView(config.status().message()), Not(HasSubstr("SECRETSECRET")));
}

TEST(ConfigFileTest, ConfigPathFromEnvironment) {
  EXPECT_EQ(ConfigPath({.config = "/x/bibia.conf", .home = "/home/a"}), "/x/bibia.conf");
  EXPECT_EQ(ConfigPath({.home = "/home/a"}), "/home/a/.config/bibia/config");
  EXPECT_EQ(ConfigPath({}), "");
}

TEST(ConfigFileTest, MissingDefaultFileIsFineMissingExplicitFileIsNot) {
  const std::string home =
      (std::filesystem::temp_directory_path() / "bibia_settings_test_no_home").string();
  absl::StatusOr<ConfigFile> config = LoadConfig({.home = home});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->entries.empty());

  config = LoadConfig({.config = home + "/missing.conf"});
  ASSERT_FALSE(config.ok());
  EXPECT_FALSE(IsUsageError(config.status()));
  EXPECT_THAT(StdView(config.status().message()), HasSubstr("missing.conf"));
}

TEST(ConfigFileTest, LoadsTheFileOfBibiaConfig) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "bibia_settings_test_load";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "config").string();
  std::ofstream(path) << "node = loaded:1\n";
  absl::StatusOr<ConfigFile> config = LoadConfig({.config = path});
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->path, path);
  EXPECT_EQ(config->entries.at("node").value, "loaded:1");
}

TEST(PrecedenceTest, NodeFlagOverEnvironmentOverFileOverDefault) {
  const Environment env{.node = "env-node:1"};
  EXPECT_EQ(Resolve({"--node", "flag-node:1"}, env, kFullConfig)->node, "flag-node:1");
  EXPECT_EQ(Resolve({}, env, kFullConfig)->node, "env-node:1");
  EXPECT_EQ(Resolve({}, {}, kFullConfig)->node, "file-node:7700");
  EXPECT_EQ(Resolve({}, {}, "")->node, "127.0.0.1:7700");
}

TEST(PrecedenceTest, AMalformedNodeAddressNamesWhereItCameFrom) {
  absl::StatusOr<GlobalOptions> from_env = Resolve({}, Environment{.node = "env-node"});
  EXPECT_TRUE(IsUsageError(from_env.status()));
  EXPECT_THAT(std::string(from_env.status().message()), ::testing::StartsWith("BIBIA_NODE: expected HOST:PORT"));
  absl::StatusOr<GlobalOptions> from_file = Resolve({}, {}, "node = file-node:99999\n");
  EXPECT_TRUE(IsUsageError(from_file.status()));
  EXPECT_THAT(std::string(from_file.status().message()),
              ::testing::StartsWith("/etc/bibia/config:1: node: expected HOST:PORT"));
  // gRPC's own target forms pass as they are.
  EXPECT_EQ(Resolve({"--node", "unix:/run/bibia.sock"}, {})->node, "unix:/run/bibia.sock");
  EXPECT_EQ(Resolve({"--node", "dns:///nantes.example.org:7700"}, {})->node, "dns:///nantes.example.org:7700");
  EXPECT_EQ(Resolve({"--node", "[::1]:7700"}, {})->node, "[::1]:7700");
}

TEST(PrecedenceTest, TokenFlagOverEnvironmentOverFile) {
  const Environment env{.token = "bibia1.ENVTOKEN"};
  EXPECT_EQ(Resolve({"--token", "bibia1.FLAGTOKEN"}, env, kFullConfig)->token,
            "bibia1.FLAGTOKEN");
  EXPECT_EQ(Resolve({}, env, kFullConfig)->token, "bibia1.ENVTOKEN");
  EXPECT_EQ(Resolve({}, {}, kFullConfig)->token, "bibia1.FILETOKEN");
  EXPECT_EQ(Resolve({}, {}, "")->token, "");
  // An explicitly empty --token sends none, whatever the environment says.
  EXPECT_EQ(Resolve({"--token="}, env, kFullConfig)->token, "");
}

TEST(PrecedenceTest, CaFromFileIsRelativeToTheFilesDirectory) {
  absl::StatusOr<GlobalOptions> options = Resolve({}, {}, kFullConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->ca_file, "/etc/bibia/certs/file-ca.crt");
  EXPECT_FALSE(options->insecure);
  options = Resolve({}, {}, "ca = /abs/ca.pem\n");
  EXPECT_EQ(options->ca_file, "/abs/ca.pem");
}

TEST(PrecedenceTest, FirstLevelThatSetsTransportSecurityDecidesAlone) {
  // Nothing anywhere: TLS with the system roots.
  absl::StatusOr<GlobalOptions> options = Resolve({}, {}, "");
  EXPECT_TRUE(options->ca_file.empty() && options->roster_file.empty() && !options->insecure);

  // The file says insecure, the environment a CA: the environment wins.
  options = Resolve({}, {.ca = "/env/ca.pem"}, "insecure = true\n");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->ca_file, "/env/ca.pem");
  EXPECT_FALSE(options->insecure);

  // The environment says insecure, the file a CA: insecure, no CA.
  options = Resolve({}, {.insecure = "1"}, kFullConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->insecure);
  EXPECT_EQ(options->ca_file, "");

  // BIBIA_INSECURE=0 is a decision too: TLS with the system roots, not the
  // file's CA.
  options = Resolve({}, {.insecure = "0"}, kFullConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_FALSE(options->insecure);
  EXPECT_EQ(options->ca_file, "");

  // A --roster flag overrides both the environment's and the file's CA.
  options = Resolve({"--roster", "/fed/roster.json"}, {.ca = "/env/ca.pem"}, kFullConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->roster_file, "/fed/roster.json");
  EXPECT_EQ(options->ca_file, "");

  // --insecure overrides the environment's CA.
  options = Resolve({"--insecure"}, {.ca = "/env/ca.pem"}, kFullConfig);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->insecure);
  EXPECT_EQ(options->ca_file, "");

  // --ca and --roster combine.
  options = Resolve({"--ca", "/a.pem", "--roster", "/r.json"}, {}, "");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->ca_file, "/a.pem");
  EXPECT_EQ(options->roster_file, "/r.json");

  // The file alone.
  options = Resolve({}, {}, "insecure = yes\n");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->insecure);
}

TEST(PrecedenceTest, ContradictionsAndBadValuesAreUsageErrors) {
  absl::StatusOr<GlobalOptions> options = Resolve({"--insecure", "--ca", "/a.pem"}, {}, "");
  ASSERT_FALSE(options.ok());
  EXPECT_TRUE(IsUsageError(options.status()));
  EXPECT_EQ(options.status().message(), "--insecure cannot be combined with --ca or --roster");

  options = Resolve({}, {.ca = "/a.pem", .insecure = "1"}, "");
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.status().message(), "BIBIA_INSECURE=1 and BIBIA_CA contradict each other");

  options = Resolve({}, {.insecure = "maybe"}, "");
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.status().message(), "BIBIA_INSECURE: expected 1 or 0, got 'maybe'");

  options = Resolve({}, {}, "ca = a.pem\ninsecure = true\n");
  ASSERT_FALSE(options.ok());
  EXPECT_TRUE(IsUsageError(options.status()));
  EXPECT_EQ(options.status().message(),
            "/etc/bibia/config:2: insecure = true contradicts ca = on line 1");

  options = Resolve({}, {}, "insecure = sometimes\n");
  ASSERT_FALSE(options.ok());
  EXPECT_THAT(StdView(options.status().message()), HasSubstr("/etc/bibia/config:1: insecure"));

  // A lower level's contradiction does not matter when a higher one decides.
  options = Resolve({"--ca", "/flag.pem"}, {.ca = "/a.pem", .insecure = "1"}, "");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->ca_file, "/flag.pem");
}

TEST(PrecedenceTest, BadTokenNamesItsSourceButNotItsValue) {
  struct Case {
    std::vector<std::string> args;
    Environment env;
    std::string config;
    std::string source;
  };
  const std::vector<Case> cases = {
      {{"--token", "bibia1.SEC RET"}, {}, "", "--token"},
      {{}, {.token = "bibia1.SEC\tRET"}, "", "BIBIA_TOKEN"},
      {{}, {}, "token = \"bibia1.SEC RET\"\n", "/etc/bibia/config:1"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<GlobalOptions> options = Resolve(c.args, c.env, c.config);
    ASSERT_FALSE(options.ok()) << c.source;
    EXPECT_TRUE(IsUsageError(options.status()));
    EXPECT_THAT(StdView(options.status().message()),
                HasSubstr("token from " + c.source + ": contains spaces"));
    EXPECT_THAT(StdView(options.status().message()), Not(HasSubstr("SEC")));
  }
}

}  // namespace
}  // namespace bibia::cli
