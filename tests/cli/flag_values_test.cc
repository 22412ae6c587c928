// Durations (--ttl) and points in time (--since), and the tier and role
// names of the admin commands.
#include "cli/flag_values.h"

#include "absl/time/time.h"
#include "cli/absl_view.h"
#include "cli/enum_names.h"
#include "cli/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(DurationTest, EachUnit) {
  EXPECT_EQ(*ParseDurationSeconds("90s"), 90);
  EXPECT_EQ(*ParseDurationSeconds("30m"), 30 * 60);
  EXPECT_EQ(*ParseDurationSeconds("24h"), 24 * 3600);
  EXPECT_EQ(*ParseDurationSeconds("7d"), 7 * 86400);
  EXPECT_EQ(*ParseDurationSeconds("366d"), 366 * 86400);
  EXPECT_EQ(*ParseDurationSeconds("2H"), 7200);  // unit in any case
}

TEST(DurationTest, RejectsWhatIsNotNUnit) {
  for (const char* text : {"", "h", "24", "0h", "-1h", "1.5h", "1w", "h24", "24 h", " 24h",
                           "1h30m", "+3d", "99999999999999999999d", "40000d"}) {
    absl::StatusOr<int64_t> seconds = ParseDurationSeconds(text);
    EXPECT_FALSE(seconds.ok()) << "'" << text << "' gave " << *seconds;
    if (!seconds.ok()) {
      EXPECT_THAT(StdView(seconds.status().message()),
                  HasSubstr("expected a duration like 90s, 30m, 24h or 7d"));
    }
  }
}

TEST(DurationTest, TtlFlagIsAUsageErrorNamingTheFlag) {
  Invocation invocation;
  invocation.command = "token issue";
  invocation.flags["ttl"] = "1 day";
  absl::StatusOr<std::optional<int64_t>> ttl = DurationFlag(invocation, "ttl");
  ASSERT_FALSE(ttl.ok());
  EXPECT_TRUE(IsUsageError(ttl.status()));
  EXPECT_THAT(StdView(ttl.status().message()), HasSubstr("--ttl: expected a duration"));

  invocation.flags["ttl"] = "12h";
  ttl = DurationFlag(invocation, "ttl");
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_EQ(**ttl, 12 * 3600);

  invocation.flags.erase("ttl");
  ttl = DurationFlag(invocation, "ttl");
  ASSERT_TRUE(ttl.ok());
  EXPECT_FALSE(ttl->has_value());
}

TEST(SinceTest, DurationDateAndTime) {
  const absl::Time now = absl::FromUnixSeconds(1'790'000'000);
  EXPECT_EQ(*ParseSince("1h", now), (1'790'000'000 - 3600) * int64_t{1000});
  EXPECT_EQ(*ParseSince("2026-11-01", now),
            absl::ToUnixMillis(absl::FromCivil(absl::CivilDay(2026, 11, 1), absl::UTCTimeZone())));
  EXPECT_EQ(*ParseSince("2026-11-01T08:30:00Z", now),
            absl::ToUnixMillis(absl::FromCivil(absl::CivilSecond(2026, 11, 1, 8, 30, 0),
                                               absl::UTCTimeZone())));
  EXPECT_EQ(*ParseSince("2026-11-01T08:30:00+01:00", now),
            absl::ToUnixMillis(absl::FromCivil(absl::CivilSecond(2026, 11, 1, 7, 30, 0),
                                               absl::UTCTimeZone())));
  for (const char* text : {"yesterday", "2026-13-01", "01/11/2026", "1 h", ""}) {
    EXPECT_FALSE(ParseSince(text, now).ok()) << text;
  }
}

TEST(TierAndRoleTest, ShortAndFullNames) {
  EXPECT_EQ(*ParseTier("restricted"), v1::TIER_RESTRICTED);
  EXPECT_EQ(*ParseTier("TIER_EXPERT"), v1::TIER_EXPERT);
  EXPECT_EQ(*ParseRole("admin"), v1::ROLE_ADMIN);
  EXPECT_EQ(*ParseRole("Editor"), v1::ROLE_EDITOR);
  EXPECT_EQ(ShortName(v1::ROLE_READER), "reader");
  absl::StatusOr<v1::Role> bad = ParseRole("owner");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "unknown value 'owner' (valid: reader, editor, admin)");
  EXPECT_FALSE(ParseTier("unspecified").ok());
}

TEST(FilterTest, UnspecifiedCannotBeSelectedAndSaysSo) {
  for (const char* flag : {"status", "domain"}) {
    Invocation invocation;
    invocation.command = "project list";
    invocation.flags[flag] = "unspecified";
    absl::StatusOr<v1::ProjectFilter> filter = FilterFromFlags(invocation);
    ASSERT_FALSE(filter.ok()) << flag;
    EXPECT_TRUE(IsUsageError(filter.status()));
    EXPECT_THAT(StdView(filter.status().message()),
                StartsWith(std::string("--") + flag + ": projects without one cannot be selected"));
  }
  Invocation valid;
  valid.flags["status"] = "pilot";
  absl::StatusOr<v1::ProjectFilter> filter = FilterFromFlags(valid);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->status(), v1::STATUS_PILOT);
}

TEST(EndpointTest, HostAndPort) {
  Invocation invocation;
  invocation.command = "peer add";
  absl::StatusOr<std::optional<std::string>> absent = EndpointFlag(invocation, "endpoint");
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_FALSE(absent->has_value());
  for (const char* good : {"rennes.example.org:7700", "10.0.0.12:1", "[::1]:65535"}) {
    invocation.flags["endpoint"] = good;
    absl::StatusOr<std::optional<std::string>> endpoint = EndpointFlag(invocation, "endpoint");
    ASSERT_TRUE(endpoint.ok()) << good << ": " << endpoint.status();
    EXPECT_EQ(**endpoint, good);
  }
  for (const char* bad : {"", "rennes", "rennes:", ":7700", "rennes:0", "rennes:65536",
                          "rennes:http", "rennes:-1", "rennes:0007700"}) {
    invocation.flags["endpoint"] = bad;
    absl::StatusOr<std::optional<std::string>> endpoint = EndpointFlag(invocation, "endpoint");
    ASSERT_FALSE(endpoint.ok()) << bad;
    EXPECT_TRUE(IsUsageError(endpoint.status()));
    EXPECT_THAT(std::string(endpoint.status().message()),
                StartsWith("--endpoint: expected HOST:PORT, got '" + std::string(bad) + "' ("));
  }
}

}  // namespace
}  // namespace bibia::cli
