// The watchdog with an injected probe and action: consecutive failed checks
// trigger the action once; a check that succeeds starts the count again; a
// stopped watchdog does nothing.
#include "node/watchdog.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace bibia::node {
namespace {

Watchdog::Options Fast(int failures) {
  Watchdog::Options options;
  options.interval = absl::Milliseconds(5);
  options.failures = failures;
  return options;
}

TEST(WatchdogTest, ActsAfterConsecutiveFailures) {
  std::atomic<int> checks{0};
  absl::Notification stuck;
  std::atomic<int> reported{0};
  Watchdog watchdog(
      Fast(3), [&] { return ++checks < 0; },
      [&](int failures) {
        reported = failures;
        stuck.Notify();
      });
  ASSERT_TRUE(stuck.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ(reported.load(), 3);
  EXPECT_EQ(checks.load(), 3);
}

TEST(WatchdogTest, ASuccessfulCheckResetsTheCount) {
  std::atomic<int> checks{0};
  absl::Notification enough;
  std::atomic<bool> acted{false};
  // Two failures, then a success, forever: never three in a row.
  Watchdog watchdog(
      Fast(3),
      [&] {
        const int n = ++checks;
        if (n == 60) enough.Notify();
        return n % 3 == 0;
      },
      [&](int) { acted = true; });
  ASSERT_TRUE(enough.WaitForNotificationWithTimeout(absl::Seconds(30)));
  watchdog.Stop();
  EXPECT_FALSE(acted.load());
}

TEST(WatchdogTest, AStoppedWatchdogDoesNothing) {
  std::atomic<bool> acted{false};
  Watchdog::Options options;
  options.interval = absl::Hours(1);
  options.failures = 1;
  {
    Watchdog watchdog(options, [] { return false; }, [&](int) { acted = true; });
    watchdog.Stop();
  }
  EXPECT_FALSE(acted.load());
}

}  // namespace
}  // namespace bibia::node
