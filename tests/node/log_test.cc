// The node's log lines: one line per event whatever the values hold, control
// characters escaped, each value cut at 2 KiB.
#include "node/log.h"

#include <string>

#include "gtest/gtest.h"

namespace bibia::node {
namespace {

std::string LogLine(std::string_view message, std::string value) {
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kError, message, {{"error", std::move(value)}});
  return ::testing::internal::GetCapturedStderr();
}

TEST(LogTest, ControlCharactersAreEscapedAndTheLineStaysOne) {
  const std::string line = LogLine("rpc", "id: 'a\nb\x1b[2J\x07' is bad");
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_NE(line.find("error=\"id: 'a\\\\x0ab\\\\x1b[2J\\\\x07' is bad\""), std::string::npos) << line;
}

TEST(LogTest, AValueCannotCloseItsQuotesAndAddAField) {
  const std::string line = LogLine("rpc", "x\\\" code=OK");  // x\" code=OK
  EXPECT_NE(line.find("error=\"x\\\\\\\" code=OK\""), std::string::npos) << line;
}

TEST(LogTest, AHugeValueIsCut) {
  const std::string line = LogLine("rpc", std::string(4 << 20, 'x'));
  EXPECT_LT(line.size(), 2048u + 200);
  EXPECT_NE(line.find("(4194304 bytes)"), std::string::npos);
}

TEST(LogTest, PlainValuesAreNotQuoted) {
  const std::string line = LogLine("listening", "127.0.0.1:7700");
  EXPECT_NE(line.find(" level=error msg=listening error=127.0.0.1:7700\n"), std::string::npos) << line;
}

}  // namespace
}  // namespace bibia::node
