#include "node/store_health.h"

#include <optional>
#include <string>
#include <utility>

#include "node/log.h"

namespace bibia::node {

StoreHealth::StoreHealth(absl::Duration interval, Check check, Report report)
    : interval_(interval), check_(std::move(check)), report_(std::move(report)) {
  CheckOnce();  // before the constructor returns: no window of a stale status
  thread_ = std::thread([this] { Loop(); });
}

void StoreHealth::CheckOnce() {
  const absl::Status health = check_();
  if (last_ && *last_ == health.code()) return;
  if (health.ok()) {
    if (last_) Log(LogLevel::kInfo, "store: writable again");
  } else {
    Log(LogLevel::kError, "store: cannot write", {{"error", std::string(health.message())}});
  }
  report_(health);
  last_ = health.code();
}

void StoreHealth::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  std::call_once(joined_, [this] { thread_.join(); });
}

void StoreHealth::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_)) return;
    }
    CheckOnce();
  }
}

}  // namespace bibia::node
