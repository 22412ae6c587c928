#include "node/watchdog.h"

#include <utility>

namespace bibia::node {

Watchdog::Watchdog(Options options, Probe probe, OnStuck on_stuck)
    : options_(options), probe_(std::move(probe)), on_stuck_(std::move(on_stuck)) {
  thread_ = std::thread([this] { Loop(); });
}

Watchdog::~Watchdog() {
  Stop();
  if (thread_.joinable()) thread_.detach();  // destroyed from its own thread
}

void Watchdog::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  // Stopped from on_stuck, on the watchdog's own thread: the loop returns
  // right after; the destructor joins it.
  if (thread_.get_id() == std::this_thread::get_id()) return;
  std::call_once(joined_, [this] { thread_.join(); });
}

void Watchdog::Loop() {
  int failed = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.interval)) return;
    }
    failed = probe_() ? 0 : failed + 1;
    if (failed < options_.failures) continue;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;  // a stopping node refuses connections on purpose
    }
    on_stuck_(failed);
    return;
  }
}

}  // namespace bibia::node
