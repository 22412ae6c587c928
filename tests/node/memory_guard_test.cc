// The memory guard with an injected heap reading and action: it sheds once
// the heap passes the cap, at most once per gap, never under the cap.
#include "node/memory_guard.h"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace bibia::node {
namespace {

MemoryGuard::Options Fast(size_t cap, absl::Duration gap) {
  MemoryGuard::Options options;
  options.max_heap_bytes = cap;
  options.interval = absl::Milliseconds(2);
  options.min_gap = gap;
  return options;
}

TEST(MemoryGuardTest, ShedsOncePastTheCapThenWaitsTheGap) {
  std::atomic<size_t> heap{100};
  std::atomic<int> sheds{0};
  absl::Notification shed;
  MemoryGuard guard(Fast(1000, absl::Hours(1)), [&] { return heap.load(); }, [&] {
    ++sheds;
    shed.Notify();
    return 7;
  });
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(sheds.load(), 0) << "under the cap, nothing is shed";
  heap = 1001;
  ASSERT_TRUE(shed.WaitForNotificationWithTimeout(absl::Seconds(30)));
  absl::SleepFor(absl::Milliseconds(50));
  guard.Stop();
  EXPECT_EQ(sheds.load(), 1) << "a second shed waits for the gap";
  EXPECT_EQ(guard.sheds(), 1u);
}

TEST(MemoryGuardTest, ShedsAgainAfterTheGap) {
  std::atomic<int> sheds{0};
  absl::Notification twice;
  MemoryGuard guard(Fast(1000, absl::Milliseconds(10)), [] { return size_t{5000}; }, [&] {
    if (++sheds == 2) twice.Notify();
    return 0;
  });
  ASSERT_TRUE(twice.WaitForNotificationWithTimeout(absl::Seconds(30)));
}

TEST(MemoryGuardTest, ReadsTheProcessHeap) {
  const size_t before = MemoryGuard::MallocHeapBytes();
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 64; ++i) {
    blocks.emplace_back(new char[1 << 20]);
    blocks.back()[0] = 1;
  }
  EXPECT_GE(MemoryGuard::MallocHeapBytes(), before + (size_t{60} << 20));
}

}  // namespace
}  // namespace bibia::node
