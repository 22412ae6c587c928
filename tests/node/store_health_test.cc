// StoreHealth: the store's health is reported at once, then on each change
// only, until stopped.
#include "node/store_health.h"

#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace bibia::node {
namespace {

class FakeStore {
 public:
  absl::Status Check() {
    absl::MutexLock lock(&mu_);
    ++checks_;
    return health_;
  }
  void Set(absl::Status health) {
    absl::MutexLock lock(&mu_);
    health_ = std::move(health);
  }
  void Record(const absl::Status& status) {
    absl::MutexLock lock(&mu_);
    reports_.push_back(status.code());
  }
  // Waits (5 s at most) for `n` reports; returns them.
  std::vector<absl::StatusCode> AwaitReports(size_t n) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return reports_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(5));
    return reports_;
  }
  // Waits for `n` more checks than now.
  void AwaitChecks(int n) {
    absl::MutexLock lock(&mu_);
    const int target = checks_ + n;
    const auto done = [this, target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return checks_ >= target; };
    mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(5));
  }

 private:
  absl::Mutex mu_;
  absl::Status health_ ABSL_GUARDED_BY(mu_);
  int checks_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<absl::StatusCode> reports_ ABSL_GUARDED_BY(mu_);
};

TEST(StoreHealthTest, ReportsAtOnceThenEachChangeOnly) {
  FakeStore store;
  StoreHealth health(absl::Milliseconds(5), [&] { return store.Check(); },
                     [&](const absl::Status& s) { store.Record(s); });
  EXPECT_EQ(store.AwaitReports(1), std::vector<absl::StatusCode>{absl::StatusCode::kOk});
  store.AwaitChecks(3);  // unchanged: no report
  EXPECT_EQ(store.AwaitReports(1).size(), 1u);

  store.Set(absl::ResourceExhaustedError("disk nearly full: 3 MiB free, reserve 512 MiB"));
  store.AwaitChecks(3);
  store.Set(absl::UnavailableError("store stopped on a storage error"));
  store.AwaitChecks(3);
  store.Set(absl::OkStatus());
  const std::vector<absl::StatusCode> expected = {absl::StatusCode::kOk, absl::StatusCode::kResourceExhausted,
                                                  absl::StatusCode::kUnavailable, absl::StatusCode::kOk};
  EXPECT_EQ(store.AwaitReports(4), expected);
  health.Stop();
  health.Stop();  // idempotent
}

}  // namespace
}  // namespace bibia::node
