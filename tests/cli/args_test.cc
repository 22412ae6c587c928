// Command-line parsing: global flags anywhere, --help everywhere, and the
// usage errors for missing arguments, unknown flags and bad values.
#include "cli/args.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "cli/absl_view.h"
#include "cli/command_specs.h"
#include "cli/errors.h"
#include "cli/flag_values.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<Invocation> Parse(std::vector<std::string> args) {
  return ParseArgs(args, kDefaultNode);
}

TEST(ParseArgsTest, GlobalFlagsBeforeTheCommand) {
  absl::StatusOr<Invocation> invocation =
      Parse({"--node", "node-a:7701", "--json", "--timeout", "2.5", "project", "get", "p1"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->command, "project get");
  EXPECT_EQ(invocation->global.node, "node-a:7701");
  EXPECT_TRUE(invocation->global.json);
  EXPECT_DOUBLE_EQ(invocation->global.timeout_seconds, 2.5);
  EXPECT_THAT(invocation->positionals, ::testing::ElementsAre("p1"));
}

TEST(ParseArgsTest, GlobalFlagsAfterAndBetweenTheCommandWords) {
  absl::StatusOr<Invocation> invocation = Parse(
      {"project", "--json", "list", "--domain", "water", "--node=n:1", "--timeout=3"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->command, "project list");
  EXPECT_TRUE(invocation->global.json);
  EXPECT_EQ(invocation->global.node, "n:1");
  EXPECT_DOUBLE_EQ(invocation->global.timeout_seconds, 3);
  EXPECT_EQ(invocation->Flag("domain"), "water");
}

TEST(ParseArgsTest, DefaultsWithoutGlobalFlags) {
  absl::StatusOr<Invocation> invocation = ParseArgs({"stats"}, "env-node:9");
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->global.node, "env-node:9");
  EXPECT_FALSE(invocation->global.json);
  EXPECT_DOUBLE_EQ(invocation->global.timeout_seconds, 10);
  EXPECT_FALSE(invocation->help);
}

TEST(ParseArgsTest, CommandFlagsWithValuesAndBooleans) {
  absl::StatusOr<Invocation> invocation =
      Parse({"project", "list", "--all", "--limit", "5", "--page-token=abc",
             "--collectivity", "Rennes Métropole"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_TRUE(invocation->HasFlag("all"));
  EXPECT_EQ(invocation->Flag("all"), "");
  EXPECT_EQ(invocation->Flag("limit"), "5");
  EXPECT_EQ(invocation->Flag("page-token"), "abc");
  EXPECT_EQ(invocation->Flag("collectivity"), "Rennes Métropole");
  EXPECT_FALSE(invocation->HasFlag("domain"));
}

TEST(ParseArgsTest, DashIsAPositionalAndDoubleDashEndsFlags) {
  absl::StatusOr<Invocation> put = Parse({"project", "put", "-"});
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_THAT(put->positionals, ::testing::ElementsAre("-"));

  absl::StatusOr<Invocation> search = Parse({"search", "--", "--json", "-x"});
  ASSERT_TRUE(search.ok()) << search.status();
  EXPECT_FALSE(search->global.json);
  EXPECT_THAT(search->positionals, ::testing::ElementsAre("--json", "-x"));
}

TEST(ParseArgsTest, SearchAcceptsAQuerySplitIntoWords) {
  absl::StatusOr<Invocation> invocation = Parse({"search", "fuites", "réseau", "--limit", "3"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_THAT(invocation->positionals, ::testing::ElementsAre("fuites", "réseau"));
}

TEST(ParseArgsTest, HelpEverywhere) {
  struct Case {
    std::vector<std::string> args;
    std::string command;
  };
  const std::vector<Case> cases = {
      {{"--help"}, ""},
      {{"-h"}, ""},
      {{"project", "--help"}, "project"},
      {{"project", "get", "--help"}, "project get"},
      {{"project", "get", "-h"}, "project get"},
      {{"--help", "project", "list"}, "project list"},
      {{"feedback", "add", "p1", "-h"}, "feedback add"},
      {{"search", "--help"}, "search"},
      {{"import", "--help"}, "import"},
      {{"stats", "--help"}, "stats"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Invocation> invocation = Parse(c.args);
    ASSERT_TRUE(invocation.ok()) << c.args[0] << ": " << invocation.status();
    EXPECT_TRUE(invocation->help);
    EXPECT_EQ(invocation->command, c.command);
  }
}

TEST(ParseArgsTest, EveryCommandHasHelpStartingWithUsage) {
  for (const CommandSpec& spec : Commands()) {
    std::vector<std::string> args = absl::StrSplit(AbslView(spec.path), ' ');
    args.push_back("--help");
    absl::StatusOr<Invocation> invocation = Parse(args);
    ASSERT_TRUE(invocation.ok()) << spec.path << ": " << invocation.status();
    const std::string_view help = HelpText(*invocation);
    EXPECT_TRUE(help.starts_with("Usage: bibia " + std::string(spec.path))) << help;
    EXPECT_THAT(std::string(help), HasSubstr("Example")) << spec.path;
  }
  EXPECT_TRUE(GlobalHelp().starts_with(
      "Usage: bibia [--node HOST:PORT] [--json] [--timeout SECONDS] COMMAND ..."));
}

TEST(ParseArgsTest, SecurityAndTokenFlagsAreGlobal) {
  absl::StatusOr<Invocation> invocation =
      Parse({"--ca", "/a.crt", "token", "list", "--roster=/r.json", "--token", "bibia1.x"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->global.ca_file, "/a.crt");
  EXPECT_EQ(invocation->global.roster_file, "/r.json");
  EXPECT_EQ(invocation->global.token, "bibia1.x");
  EXPECT_FALSE(invocation->global.insecure);
  EXPECT_THAT(invocation->global_flags, ::testing::ElementsAre("ca", "roster", "token"));

  invocation = Parse({"stats", "--insecure"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_TRUE(invocation->global.insecure);

  absl::StatusOr<Invocation> conflict = Parse({"--insecure", "stats", "--ca", "/a.crt"});
  ASSERT_FALSE(conflict.ok());
  EXPECT_TRUE(IsUsageError(conflict.status()));
  EXPECT_EQ(conflict.status().message(), "--insecure cannot be combined with --ca or --roster");
}

TEST(ParseArgsTest, RosterFileCommandsShadowTheGlobalRosterFlag) {
  absl::StatusOr<Invocation> show = Parse({"roster", "show", "--roster", "fed.json"});
  ASSERT_TRUE(show.ok()) << show.status();
  EXPECT_EQ(show->Flag("roster"), "fed.json");
  EXPECT_EQ(show->global.roster_file, "");
  EXPECT_FALSE(show->global_flags.contains("roster"));

  // roster get has no --roster of its own: the global trust flag.
  absl::StatusOr<Invocation> get = Parse({"roster", "get", "--roster", "fed.json"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_FALSE(get->HasFlag("roster"));
  EXPECT_EQ(get->global.roster_file, "fed.json");

  // Before the command words it is the global flag, so init lacks its own.
  absl::StatusOr<Invocation> init =
      Parse({"--roster", "fed.json", "roster", "init", "--key", "op.key"});
  ASSERT_FALSE(init.ok());
  EXPECT_EQ(init.status().message(), "missing required flag --roster ROSTER.json");
}

TEST(ParseArgsTest, HelpWinsOverAMissingArgument) {
  absl::StatusOr<Invocation> invocation = Parse({"feedback", "add", "--help"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_TRUE(invocation->help);
}

void ExpectUsageError(std::vector<std::string> args, const std::string& message_part,
                      const std::string& command) {
  absl::StatusOr<Invocation> invocation = Parse(args);
  ASSERT_FALSE(invocation.ok()) << message_part;
  EXPECT_TRUE(IsUsageError(invocation.status())) << invocation.status();
  EXPECT_THAT(std::string(invocation.status().message()), HasSubstr(message_part));
  std::ostringstream err;
  EXPECT_EQ(ReportError(invocation.status(), err), kExitUsage);
  EXPECT_THAT(err.str(),
              HasSubstr("Run 'bibia " + (command.empty() ? "" : command + " ") + "--help'"));
}

TEST(ParseArgsTest, MissingArgument) {
  ExpectUsageError({"project", "get"}, "missing argument ID", "project get");
  ExpectUsageError({"feedback", "list"}, "missing argument PROJECT_ID", "feedback list");
  ExpectUsageError({"import"}, "missing argument FILE.json", "import");
  ExpectUsageError({"search"}, "missing argument QUERY", "search");
}

TEST(ParseArgsTest, MissingCommandOrSubcommand) {
  ExpectUsageError({}, "missing command", "");
  ExpectUsageError({"--json"}, "missing command", "");
  ExpectUsageError({"project"},
                   "missing subcommand for 'project' (one of: put, get, list, delete, redact)",
                   "project");
}

TEST(ParseArgsTest, UnknownCommandAndSubcommand) {
  ExpectUsageError({"frobnicate"}, "unknown command 'frobnicate'", "");
  ExpectUsageError({"feedback", "remove", "x"}, "unknown subcommand 'remove' for 'feedback'",
                   "feedback");
}

TEST(ParseArgsTest, UnknownFlag) {
  ExpectUsageError({"project", "get", "p1", "--bogus"}, "unknown flag --bogus for 'project get'",
                   "project get");
  ExpectUsageError({"stats", "-x"}, "unknown flag '-x'", "stats");
  ExpectUsageError({"--bogus", "stats"}, "unknown flag --bogus", "");
  // --all belongs to project list only.
  ExpectUsageError({"search", "q", "--all"}, "unknown flag --all for 'search'", "search");
  ExpectUsageError({"--domain", "water", "project", "list"},
                   "flag --domain must come after the command", "");
}

TEST(ParseArgsTest, FlagValueProblems) {
  ExpectUsageError({"project", "list", "--domain"}, "flag --domain needs a value (D)",
                   "project list");
  ExpectUsageError({"stats", "--json=yes"}, "flag --json takes no value", "stats");
  ExpectUsageError({"stats", "--timeout", "soon"},
                   "--timeout: expected a positive number of seconds up to a year, got 'soon'", "stats");
  ExpectUsageError({"stats", "--timeout", "0"}, "--timeout: expected a positive number", "stats");
  ExpectUsageError({"stats", "--node="}, "--node: empty address", "stats");
  ExpectUsageError({"stats", "--timeout", "1e16"}, "up to a year", "stats");  // used to overflow the deadline
  // Protobuf would refuse to send them: named here instead of an empty INTERNAL.
  ExpectUsageError({"feedback", "add", "p1", "--kind", "lesson", "--text", "caf\xe9"}, "--text: not valid UTF-8",
                   "feedback add");
  ExpectUsageError({"search", "r\xc3\xa9seau", "\xed\xa0\x80"}, "argument 2 is not valid UTF-8", "search");
  EXPECT_TRUE(Parse({"search", "r\xc3\xa9seau", "--domain", "water"}).ok());
  // A file name is the kernel's bytes, not text sent to the node.
  EXPECT_TRUE(Parse({"import", "caf\xe9.json"}).ok());
  EXPECT_TRUE(Parse({"--ca", "caf\xe9.crt", "stats"}).ok());
}

TEST(ParseArgsTest, ExtraArgumentAndRequiredFlags) {
  ExpectUsageError({"project", "get", "a", "b"}, "unexpected argument 'b'", "project get");
  ExpectUsageError({"feedback", "add", "p1", "--text", "t"}, "missing required flag --kind KIND",
                   "feedback add");
  EXPECT_TRUE(Parse({"feedback", "add", "p1", "--kind", "lesson", "--outcome", "o"}).ok());  // text or outcome
}

TEST(ParseArgsTest, LastValueOfARepeatedFlagWins) {
  absl::StatusOr<Invocation> invocation =
      Parse({"project", "list", "--region", "Bretagne", "--region", "Occitanie"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->Flag("region"), "Occitanie");
}

TEST(FlagValuesTest, FiltersFromShortAndFullEnumNames) {
  absl::StatusOr<Invocation> invocation =
      Parse({"project", "list", "--domain", "public_services", "--status", "STATUS_PILOT",
             "--region", "Bretagne", "--collectivity", "Rennes Métropole", "--technique",
             "LLM", "--limit", "7"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  absl::StatusOr<v1::ProjectFilter> filter = FilterFromFlags(*invocation);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->domain(), v1::DOMAIN_PUBLIC_SERVICES);
  EXPECT_EQ(filter->status(), v1::STATUS_PILOT);
  EXPECT_EQ(filter->region(), "Bretagne");
  EXPECT_EQ(filter->collectivity(), "Rennes Métropole");
  EXPECT_EQ(filter->technique(), "LLM");
  absl::StatusOr<int32_t> limit = LimitFromFlags(*invocation);
  ASSERT_TRUE(limit.ok()) << limit.status();
  EXPECT_EQ(*limit, 7);
}

TEST(FlagValuesTest, UnknownEnumValueNamesTheFlagAndListsValidValues) {
  absl::StatusOr<Invocation> invocation =
      Parse({"search", "q", "--status", "finished"});
  ASSERT_TRUE(invocation.ok()) << invocation.status();
  absl::StatusOr<v1::ProjectFilter> filter = FilterFromFlags(*invocation);
  ASSERT_FALSE(filter.ok());
  EXPECT_TRUE(IsUsageError(filter.status()));
  EXPECT_EQ(filter.status().message(),
            "--status: unknown value 'finished' (valid: idea, experiment, pilot, "
            "production, stopped)");

  absl::StatusOr<Invocation> feedback =
      Parse({"feedback", "add", "p1", "--kind", "praise", "--text", "t"});
  ASSERT_TRUE(feedback.ok()) << feedback.status();
  absl::StatusOr<v1::FeedbackKind> kind = FeedbackKindFromFlags(*feedback);
  ASSERT_FALSE(kind.ok());
  EXPECT_TRUE(IsUsageError(kind.status()));
  EXPECT_EQ(kind.status().message(),
            "--kind: unknown value 'praise' (valid: difficulty, success_factor, lesson, "
            "reuse_report)");
}

TEST(FlagValuesTest, BadLimit) {
  for (const char* bad : {"0", "-3", "ten", "99999999999"}) {
    absl::StatusOr<Invocation> invocation = Parse({"project", "list", "--limit", bad});
    ASSERT_TRUE(invocation.ok()) << invocation.status();
    absl::StatusOr<int32_t> limit = LimitFromFlags(*invocation);
    ASSERT_FALSE(limit.ok()) << bad;
    EXPECT_TRUE(IsUsageError(limit.status()));
    EXPECT_THAT(std::string(limit.status().message()), HasSubstr("--limit: ")) << bad;
  }
}

TEST(ParseArgsTest, FederationCommands) {
  absl::StatusOr<Invocation> add =
      Parse({"peer", "add", "rennes", "--endpoint", "rennes.example.org:7700"});
  ASSERT_TRUE(add.ok()) << add.status();
  EXPECT_EQ(add->command, "peer add");
  EXPECT_THAT(add->positionals, ::testing::ElementsAre("rennes"));
  EXPECT_EQ(add->Flag("endpoint"), "rennes.example.org:7700");

  absl::StatusOr<Invocation> remove = Parse({"peer", "remove", "rennes"});
  ASSERT_TRUE(remove.ok()) << remove.status();
  EXPECT_EQ(remove->command, "peer remove");

  absl::StatusOr<Invocation> sync = Parse({"sync"});
  ASSERT_TRUE(sync.ok()) << sync.status();
  EXPECT_FALSE(sync->HasFlag("peer"));
  sync = Parse({"--json", "sync", "--peer=rennes"});
  ASSERT_TRUE(sync.ok()) << sync.status();
  EXPECT_EQ(sync->Flag("peer"), "rennes");
  EXPECT_TRUE(sync->global.json);

  absl::StatusOr<Invocation> status = Parse({"federation", "status", "--json"});
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->command, "federation status");

  absl::StatusOr<Invocation> redact = Parse({"project", "redact", "p1", "--tier", "expert"});
  ASSERT_TRUE(redact.ok()) << redact.status();
  EXPECT_EQ(redact->command, "project redact");
  EXPECT_THAT(redact->positionals, ::testing::ElementsAre("p1"));
  absl::StatusOr<v1::Tier> tier = TierFromFlags(*redact);
  ASSERT_TRUE(tier.ok()) << tier.status();
  EXPECT_EQ(*tier, v1::TIER_EXPERT);
}

TEST(ParseArgsTest, FederationCommandsUsageErrors) {
  ExpectUsageError({"peer", "add"}, "missing argument NODE_ID", "peer add");
  ExpectUsageError({"peer", "add", "--endpoint", "h:1"}, "missing argument NODE_ID",
                   "peer add");
  ExpectUsageError({"peer", "remove"}, "missing argument NODE_ID", "peer remove");
  ExpectUsageError({"peer", "list", "rennes"}, "unexpected argument 'rennes'", "peer list");
  ExpectUsageError({"peer"}, "missing subcommand for 'peer' (one of: add, remove, list)",
                   "peer");
  ExpectUsageError({"federation"}, "missing subcommand for 'federation' (one of: status)",
                   "federation");
  ExpectUsageError({"sync", "--peer"}, "flag --peer needs a value (NODE_ID)", "sync");
  ExpectUsageError({"sync", "rennes"}, "unexpected argument 'rennes'", "sync");
  ExpectUsageError({"--peer", "rennes", "sync"}, "flag --peer must come after the command", "");
  ExpectUsageError({"peer", "list", "--endpoint", "h:1"},
                   "unknown flag --endpoint for 'peer list'", "peer list");
  ExpectUsageError({"project", "redact", "p1"}, "missing required flag --tier TIER",
                   "project redact");
  ExpectUsageError({"project", "redact", "--tier", "public"}, "missing argument ID",
                   "project redact");
}

TEST(ParseArgsTest, BadTierOfRedactNamesTheFlagAndTheValidValues) {
  absl::StatusOr<Invocation> redact = Parse({"project", "redact", "p1", "--tier", "secret"});
  ASSERT_TRUE(redact.ok()) << redact.status();
  absl::StatusOr<v1::Tier> tier = TierFromFlags(*redact);
  ASSERT_FALSE(tier.ok());
  EXPECT_TRUE(IsUsageError(tier.status()));
  EXPECT_EQ(tier.status().message(),
            "--tier: unknown value 'secret' (valid: public, restricted, expert)");
}

TEST(ParseArgsTest, FederationHelp) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"peer", "--help"}, {"peer", "add", "--help"},
        {"peer", "add", "-h"}, {"peer", "remove", "--help"}, {"peer", "list", "--help"},
        {"sync", "--help"}, {"federation", "--help"}, {"federation", "status", "--help"},
        {"project", "redact", "--help"}}) {
    absl::StatusOr<Invocation> invocation = Parse(args);
    ASSERT_TRUE(invocation.ok()) << args[0] << ": " << invocation.status();
    EXPECT_TRUE(invocation->help);
    const std::string help(HelpText(*invocation));
    EXPECT_THAT(help, ::testing::StartsWith("Usage: bibia " + invocation->command));
    EXPECT_THAT(help, HasSubstr("Example"));
  }
  const std::string global(GlobalHelp());
  EXPECT_THAT(global, HasSubstr("\nFederation (a token with role admin):\n"
                                "  peer add NODE_ID "));
  for (const char* line : {"\n  peer remove NODE_ID ", "\n  peer list ", "\n  sync ",
                           "\n  federation status ", "\n  project redact ID --tier T "}) {
    EXPECT_THAT(global, HasSubstr(line));
  }
}

}  // namespace
}  // namespace bibia::cli
