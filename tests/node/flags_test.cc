// bibia-node's flag parser: both spellings of a value, switches, positionals,
// --help, and usage errors that name the flag.
#include "node/flags.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace bibia::node {
namespace {

absl::StatusOr<ParsedFlags> Parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseFlags(static_cast<int>(argv.size()), argv.data(), 0, {"data-dir", "listen"}, {"insecure"});
}

TEST(FlagsTest, ValuesSwitchesAndPositionals) {
  auto flags = Parse({"--data-dir", "/srv/a", "--listen=127.0.0.1:0", "--insecure", "serve"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->get("data-dir"), "/srv/a");
  EXPECT_EQ(flags->get("listen"), "127.0.0.1:0");
  EXPECT_TRUE(flags->has("insecure"));
  EXPECT_EQ(flags->positional, std::vector<std::string>{"serve"});
  EXPECT_FALSE(flags->help);
  EXPECT_EQ(flags->get("missing", "fallback"), "fallback");
}

TEST(FlagsTest, HelpIsNotAnError) {
  auto flags = Parse({"--data-dir", "x", "-h"});
  ASSERT_TRUE(flags.ok());
  EXPECT_TRUE(flags->help);
  EXPECT_TRUE(Parse({"--help"})->help);
}

TEST(FlagsTest, UsageErrorsNameTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--port", "1"}, "unknown flag --port"},
      {{"--data-dir"}, "--data-dir: missing value"},
      {{"--insecure=yes"}, "--insecure: takes no value"},
  };
  for (const Case& c : cases) {
    auto flags = Parse(c.args);
    EXPECT_EQ(flags.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(flags.status().message(), c.message);
  }
}

TEST(FlagsTest, AValueMayLookLikeAFlagOrBeEmpty) {
  // The value is taken as given: "--listen --insecure" sets listen to "--insecure".
  auto flags = Parse({"--listen", "--insecure", "--data-dir="});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->get("listen"), "--insecure");
  EXPECT_FALSE(flags->has("insecure"));
  EXPECT_TRUE(flags->has("data-dir"));
  EXPECT_EQ(flags->get("data-dir", "unset"), "");
}

}  // namespace
}  // namespace bibia::node
