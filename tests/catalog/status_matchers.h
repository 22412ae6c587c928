// gmock matchers for absl::Status and absl::StatusOr<T>, which Debian's Abseil
// (20220623) does not ship: IsOk(), StatusIs(code), StatusIs(code, message matcher).
#ifndef BIBIA_TESTS_CATALOG_STATUS_MATCHERS_H_
#define BIBIA_TESTS_CATALOG_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::testing {
namespace internal_status {

inline const absl::Status& ToStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& ToStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

class IsOkMatcher {
 public:
  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const absl::Status& status = ToStatus(value);
    if (!status.ok()) *listener << "whose status is " << status.ToString();
    return status.ok();
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

class StatusIsMatcher {
 public:
  StatusIsMatcher(absl::StatusCode code, ::testing::Matcher<const std::string&> message)
      : code_(code), message_(std::move(message)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const absl::Status& status = ToStatus(value);
    if (status.code() != code_) {
      *listener << "whose status is " << (status.ok() ? std::string("OK") : status.ToString());
      return false;
    }
    const std::string message(status.message());
    ::testing::StringMatchResultListener inner;
    if (!message_.MatchAndExplain(message, &inner)) {
      *listener << "whose message \"" << message << "\" does not match";
      if (!inner.str().empty()) *listener << " (" << inner.str() << ")";
      return false;
    }
    return true;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has code " << absl::StatusCodeToString(code_) << " and a message that ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have code " << absl::StatusCodeToString(code_) << " or has a message that ";
    message_.DescribeNegationTo(os);
  }

 private:
  absl::StatusCode code_;
  ::testing::Matcher<const std::string&> message_;
};

}  // namespace internal_status

// Matches an OK absl::Status or an absl::StatusOr<T> holding a value.
inline ::testing::PolymorphicMatcher<internal_status::IsOkMatcher> IsOk() {
  return ::testing::MakePolymorphicMatcher(internal_status::IsOkMatcher());
}

// Matches a status (or StatusOr) with code `code` and, if given, a message
// matching `message` (a matcher such as HasSubstr("x"), or an exact string).
inline ::testing::PolymorphicMatcher<internal_status::StatusIsMatcher> StatusIs(absl::StatusCode code) {
  return ::testing::MakePolymorphicMatcher(
      internal_status::StatusIsMatcher(code, ::testing::A<const std::string&>()));
}
template <typename MessageMatcher>
::testing::PolymorphicMatcher<internal_status::StatusIsMatcher> StatusIs(absl::StatusCode code,
                                                                        MessageMatcher message) {
  return ::testing::MakePolymorphicMatcher(internal_status::StatusIsMatcher(
      code, ::testing::MatcherCast<const std::string&>(std::move(message))));
}

}  // namespace bibia::testing

#define BIBIA_STATUS_MATCHERS_CONCAT_INNER_(a, b) a##b
#define BIBIA_STATUS_MATCHERS_CONCAT_(a, b) BIBIA_STATUS_MATCHERS_CONCAT_INNER_(a, b)

#ifndef EXPECT_OK
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::bibia::testing::IsOk())
#endif
#ifndef ASSERT_OK
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::bibia::testing::IsOk())
#endif

// `lhs = value of expr` (a StatusOr), or a fatal failure showing its status.
#ifndef ASSERT_OK_AND_ASSIGN
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  BIBIA_ASSERT_OK_AND_ASSIGN_IMPL_(BIBIA_STATUS_MATCHERS_CONCAT_(bibia_statusor_, __LINE__), lhs, expr)
#define BIBIA_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr)      \
  auto statusor = (expr);                                           \
  ASSERT_TRUE(statusor.ok()) << #expr << ": " << statusor.status(); \
  lhs = std::move(statusor).value()
#endif

#endif  // BIBIA_TESTS_CATALOG_STATUS_MATCHERS_H_
