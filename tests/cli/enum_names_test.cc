// Short enum names: parsing from the command line or the demo file, and
// printing back.
#include "cli/enum_names.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "cli/command_specs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

TEST(EnumNamesTest, ParsesShortFullAndCaseVariants) {
  EXPECT_EQ(ParseDomain("water").value(), v1::DOMAIN_WATER);
  EXPECT_EQ(ParseDomain("WATER").value(), v1::DOMAIN_WATER);
  EXPECT_EQ(ParseDomain("DOMAIN_WATER").value(), v1::DOMAIN_WATER);
  EXPECT_EQ(ParseDomain("domain_water").value(), v1::DOMAIN_WATER);
  EXPECT_EQ(ParseDomain("urban-planning").value(), v1::DOMAIN_URBAN_PLANNING);
  EXPECT_EQ(ParseStatus("production").value(), v1::STATUS_PRODUCTION);
  EXPECT_EQ(ParseFeedbackKind("success_factor").value(), v1::FEEDBACK_KIND_SUCCESS_FACTOR);
  EXPECT_EQ(ParseFeedbackKind("FEEDBACK_KIND_REUSE_REPORT").value(),
            v1::FEEDBACK_KIND_REUSE_REPORT);
  EXPECT_EQ(ParseRiskClass("minimal").value(), v1::RISK_CLASS_MINIMAL);
}

TEST(EnumNamesTest, RejectsUnknownEmptyAndUnspecified) {
  for (const char* bad : {"hydro", "", "unspecified", "DOMAIN_UNSPECIFIED", "STATUS_PILOT"}) {
    absl::StatusOr<v1::Domain> domain = ParseDomain(bad);
    ASSERT_FALSE(domain.ok()) << bad;
    EXPECT_EQ(domain.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(domain.status().message(),
              "unknown value '" + std::string(bad) + "' (valid: " + ValidDomainNames() + ")");
  }
  EXPECT_EQ(ValidStatusNames(), "idea, experiment, pilot, production, stopped");
  EXPECT_EQ(ValidFeedbackKindNames(), "difficulty, success_factor, lesson, reuse_report");
  EXPECT_EQ(ValidRiskClassNames(), "minimal, limited, high, unacceptable");
}

TEST(EnumNamesTest, PrintsShortLowercaseNames) {
  EXPECT_EQ(ShortName(v1::DOMAIN_CITIZEN_PARTICIPATION), "citizen_participation");
  EXPECT_EQ(ShortName(v1::STATUS_UNSPECIFIED), "unspecified");
  EXPECT_EQ(ShortName(v1::FEEDBACK_KIND_SUCCESS_FACTOR), "success_factor");
  EXPECT_EQ(ShortName(v1::RISK_CLASS_HIGH), "high");
  EXPECT_EQ(ShortName(v1::TIER_RESTRICTED), "restricted");
  EXPECT_EQ(ShortName(static_cast<v1::Domain>(99)), "99");
}

TEST(EnumNamesTest, FacetValuesInShortForm) {
  EXPECT_EQ(ShortFacetValue("domain", "DOMAIN_WATER"), "water");
  EXPECT_EQ(ShortFacetValue("domain", "water"), "water");
  EXPECT_EQ(ShortFacetValue("status", "STATUS_PILOT"), "pilot");
  EXPECT_EQ(ShortFacetValue("region", "DOMAIN_WATER"), "DOMAIN_WATER");
  EXPECT_EQ(ShortFacetValue("region", "Bretagne"), "Bretagne");
  EXPECT_EQ(ShortFacetValue("status", ""), "unspecified");
  EXPECT_EQ(ShortFacetValue("region", ""), "(none)");
}

TEST(EnumNamesTest, HelpTextsListEveryValidValue) {
  // The help texts spell the values out; they must follow the schema.
  const auto expect_listed = [](std::string_view command, const std::string& names) {
    const CommandSpec* spec = FindCommand(command);
    ASSERT_NE(spec, nullptr) << command;
    for (const std::string& name : std::vector<std::string>(absl::StrSplit(names, ", "))) {
      EXPECT_THAT(std::string(spec->help), ::testing::HasSubstr(name)) << command;
    }
  };
  expect_listed("project list", ValidDomainNames());
  expect_listed("project list", ValidStatusNames());
  expect_listed("search", ValidDomainNames());
  expect_listed("search", ValidStatusNames());
  expect_listed("feedback add", ValidFeedbackKindNames());
}

}  // namespace
}  // namespace bibia::cli
