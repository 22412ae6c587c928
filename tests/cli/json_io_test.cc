// JSON input errors as a user reads them: a syntax error by line and column,
// an unknown enum value with the valid ones, a file that is not an object.
#include "cli/json_io.h"

#include <string>

#include "bibia/v1/project.pb.h"
#include "cli/json_syntax.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(JsonSyntaxTest, ValidDocumentsHaveNoError) {
  for (const char* json : {"{}", " [1, -2.5e3, true, false, null] ", R"({"a": {"b": ["\u00e9\n", 0]}})",
                           "\"text\"", "0"}) {
    EXPECT_EQ(FirstJsonSyntaxError(json), std::nullopt) << json;
  }
}

TEST(JsonSyntaxTest, TheFirstBadByteByLineAndColumn) {
  const struct {
    const char* json;
    size_t line, column;
  } cases[] = {
      {"{\n  \"id\": oops\n}", 2, 9},     // a bare word
      {"{\n  \"id\": \"x\",\n", 3, 1},  // truncated: just past the end
      {"{\"a\": 1,}", 1, 9},              // trailing comma
      {"{\"a\" 1}", 1, 6},                // missing colon
      {"[01]", 1, 3},                     // leading zero
      {"{\"a\": \"line\nbreak\"}", 1, 12},  // raw newline in a string
      {"{\"a\": \"\\x\"}", 1, 9},         // unknown escape
      {"{} {}", 1, 4},                    // two documents
      {"", 1, 1},
  };
  for (const auto& c : cases) {
    std::optional<TextPosition> at = FirstJsonSyntaxError(c.json);
    ASSERT_TRUE(at.has_value()) << c.json;
    EXPECT_EQ(at->line, c.line) << c.json;
    EXPECT_EQ(at->column, c.column) << c.json;
  }
}

TEST(JsonSyntaxTest, DeepNestingIsAnErrorNotACrash) {
  const std::string deep(100000, '[');
  EXPECT_TRUE(FirstJsonSyntaxError(deep).has_value());
}

TEST(ParseJsonTest, ASyntaxErrorGivesItsPositionWithoutProtobufsSnippet) {
  v1::Project project;
  absl::Status s = ParseJson("{\n  \"public\": {\n    \"id\": oops\n  }\n}\n", project);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), ::testing::StartsWith("not valid JSON: line 3, column 11: "));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("\n")));
}

TEST(ParseJsonTest, AnUnknownEnumValueListsTheValidOnes) {
  v1::Project project;
  absl::Status s = ParseJson(R"({"public": {"id": "x", "domain": "DOMAIN_FOO"}})", project);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), ::testing::StartsWith("public.domain: invalid value \"DOMAIN_FOO\" (valid: "));
  EXPECT_THAT(std::string(s.message()), HasSubstr("DOMAIN_WATER"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("googleapis")));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("UNSPECIFIED")));
}

TEST(ParseJsonTest, AnArrayIsNotAnObject) {
  v1::Project project;
  absl::Status s = ParseJson(R"([{"public": {}}])", project);
  EXPECT_EQ(s.message(), "expected one JSON object ({...}) at the top of the file");
}

TEST(ParseJsonTest, AnUnknownFieldIsNamed) {
  v1::Project project;
  absl::Status s = ParseJson(R"({"public": {"id": "x", "colour": "red"}})", project);
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "public.colour: unknown field");
  s = ParseJson(R"({"colour": "red"})", project);
  EXPECT_EQ(s.message(), "colour: unknown field");
}

}  // namespace
}  // namespace bibia::cli
