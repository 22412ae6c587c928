// The whole command flow without a node: help output, usage and file errors,
// exit codes, and nothing on stdout when a command fails.
#include "cli/run.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_specs.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result RunWith(std::vector<std::string> args, const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  // An empty environment: no config file, no token, TLS with system roots.
  const int code =
      Run(args, Environment{}, {.in = in, .out = out, .err = err, .err_is_tty = false});
  return {code, out.str(), err.str()};
}

// A gRPC target nobody listens on: connecting fails at once, without network.
const std::string kNoNode = "unix:/nonexistent-bibia-test-dir/node.sock";

TEST(RunTest, EveryCommandHasAHandlerAndNoGroupHasOne) {
  for (const CommandSpec& spec : Commands()) {
    EXPECT_EQ(FindHandler(spec.path) == nullptr, spec.is_group) << spec.path;
  }
}

TEST(RunTest, GlobalHelpOnStdoutExitZero) {
  const Result result = RunWith({"--help"});
  EXPECT_EQ(result.code, kExitOk);
  EXPECT_THAT(result.out, StartsWith("Usage: bibia [--node HOST:PORT]"));
  EXPECT_EQ(result.err, "");
}

TEST(RunTest, CommandHelpEvenWithOtherMistakes) {
  const Result result = RunWith({"project", "list", "--domain", "hydro", "--help"});
  EXPECT_EQ(result.code, kExitOk);
  EXPECT_THAT(result.out, StartsWith("Usage: bibia project list"));
}

TEST(RunTest, UsageErrorExitsTwoWithNothingOnStdout) {
  const Result result = RunWith({"project", "list", "--domain", "hydro"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("bibia: --domain: unknown value 'hydro' (valid: "));
  EXPECT_THAT(result.err, HasSubstr("Run 'bibia project list --help' for usage.\n"));
}

TEST(RunTest, UnreachableNodeIsUnavailableExitOne) {
  const Result result = RunWith({"--node", kNoNode, "--json", "stats"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "bibia: error: UNAVAILABLE: cannot reach node at " + kNoNode + ": no such socket file\n");
}

TEST(RunTest, TheTokenNeverAppearsInTheErrorOfAFailingCall) {
  const std::string secret = "bibia1.SECRET-do-not-print";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--token", secret, "--node", kNoNode, "stats"},
        std::vector<std::string>{"--token=" + secret, "--node", kNoNode, "--insecure",
                                 "token", "list"},
        std::vector<std::string>{"--node", kNoNode, "--token", secret, "--json", "audit",
                                 "--since", "1h"},
        std::vector<std::string>{"--node", kNoNode, "--token", secret, "token", "revoke",
                                 "t-1"},
        std::vector<std::string>{"--node", kNoNode, "--token", secret, "--ca",
                                 "/nonexistent-bibia-test/ca.crt", "stats"}}) {
    const Result result = RunWith(args);
    EXPECT_EQ(result.code, kExitFailure) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_THAT(result.err, StartsWith("bibia: error: "));
    EXPECT_THAT(result.err, Not(HasSubstr("SECRET")));
  }
}

TEST(RunTest, TheTokenFromTheEnvironmentNeverAppearsEither) {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  const int code = cli::Run({"--node", kNoNode, "stats"},
                       Environment{.token = "bibia1.SECRET-from-env"},
                       {.in = in, .out = out, .err = err, .err_is_tty = false});
  EXPECT_EQ(code, kExitFailure);
  EXPECT_EQ(err.str(), "bibia: error: UNAVAILABLE: cannot reach node at " + kNoNode + ": no such socket file\n");
}

TEST(RunTest, AMistypedTokenFlagDoesNotEchoTheToken) {
  const Result result = RunWith({"-token=bibia1.SECRET", "stats"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_EQ(result.err, "bibia: unknown flag '-token'\nRun 'bibia --help' for usage.\n");
}

TEST(RunTest, MissingFileNamesTheFile) {
  const Result result =
      RunWith({"--node", kNoNode, "project", "put", "/nonexistent-bibia-test/p.json"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "bibia: error: /nonexistent-bibia-test/p.json: No such file or directory\n");
}

TEST(RunTest, ProjectJsonParseErrorNamesFileAndField) {
  const Result result = RunWith({"--node", kNoNode, "project", "put", "-"},
                                R"({"public": {"id": "p", "titel_fr": "x"}})");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("bibia: error: <stdin>: "));
  EXPECT_THAT(result.err, HasSubstr("titel_fr"));
}

TEST(RunTest, ImportWithABadRecordSendsNothing) {
  // The node address is unreachable: reaching it would print UNAVAILABLE.
  const std::string file =
      (std::filesystem::temp_directory_path() / "bibia_run_test_import.json").string();
  {
    std::ofstream out(file);
    out << R"({"projects": [
      {"id": "a", "collectivity": "X", "domain": "water", "status": "pilot"},
      {"id": "b", "collectivity": "Y", "domain": "space", "status": "pilot"}]})";
  }
  const Result result = RunWith({"--node", kNoNode, "import", file});
  std::remove(file.c_str());
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("bibia: error: " + file +
                                     ": record 2 (id b): domain: unknown value 'space'"));
  EXPECT_THAT(result.err, Not(HasSubstr("UNAVAILABLE")));
  EXPECT_THAT(result.err, Not(HasSubstr("importing")));
}

TEST(RunTest, ImportingTheFileOfOneProjectPointsToProjectPut) {
  const Result result = RunWith({"--node", kNoNode, "import", "-"},
                                R"({"public": {"id": "a", "title_fr": "Fuites"}, "expert": {"license": "MIT"}})");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "bibia: error: <stdin>: holds one project, not a catalogue: use 'bibia project put -'\n");
}

TEST(RunTest, ValidImportReachesTheNetworkStep) {
  const Result result = RunWith({"--node", kNoNode, "import", "-"},
                                R"({"projects": [{"id": "a", "domain": "water"}]})");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("bibia: error: UNAVAILABLE: cannot reach node at "));
}

}  // namespace
}  // namespace bibia::cli
