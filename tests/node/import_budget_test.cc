// The memory budget shared by the imports in flight (node/import_budget.h).
#include "node/import_budget.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace bibia::node {
namespace {

TEST(ImportBudgetTest, LeasesShareOneBudgetAndGiveItBackWhenTheyEnd) {
  ImportBudget budget(100);
  {
    ImportBudget::Lease first(&budget);
    EXPECT_TRUE(first.TryAcquire(60));
    {
      ImportBudget::Lease second(&budget);
      EXPECT_FALSE(second.TryAcquire(50)) << "60 + 50 is over the shared 100";
      EXPECT_EQ(second.held(), 0u) << "a refusal takes nothing";
      EXPECT_TRUE(second.TryAcquire(40));
      EXPECT_EQ(budget.held(), 100u);
      EXPECT_FALSE(first.TryAcquire(1));
    }
    EXPECT_EQ(budget.held(), 60u) << "the second import ended: its bytes are back";
    EXPECT_TRUE(first.TryAcquire(40));
    EXPECT_EQ(first.held(), 100u);
  }
  EXPECT_EQ(budget.held(), 0u);
  ImportBudget::Lease alone(&budget);
  EXPECT_FALSE(alone.TryAcquire(101)) << "no more than the whole budget";
  EXPECT_TRUE(alone.TryAcquire(100));
}

// Many imports at once never hold more than the budget together.
TEST(ImportBudgetTest, ConcurrentLeasesNeverExceedTheBudget) {
  constexpr size_t kCapacity = 1000;
  ImportBudget budget(kCapacity);
  std::atomic<size_t> peak{0};
  std::atomic<int> refusals{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        ImportBudget::Lease lease(&budget);
        for (int message = 0; message < 5; ++message) {
          if (!lease.TryAcquire(37 + t)) {
            ++refusals;
            break;
          }
          size_t held = budget.held(), seen = peak.load();
          while (held > seen && !peak.compare_exchange_weak(seen, held)) {
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(peak.load(), kCapacity);
  EXPECT_EQ(budget.held(), 0u);
  EXPECT_GT(peak.load(), 0u);
}

}  // namespace
}  // namespace bibia::node
