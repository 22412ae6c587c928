// Checks, every `interval`, that the node can still take a connection (the
// probe), and when `failures` checks in a row fail, calls `on_stuck` once and
// stops: the node then reports NOT_SERVING and exits non-zero, for its
// supervisor to restart it. The probe and the action are injected, so that
// both paths are testable without a stuck listener.
#ifndef BIBIA_NODE_WATCHDOG_H_
#define BIBIA_NODE_WATCHDOG_H_

#include <functional>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bibia::node {

// The exit code of a node its watchdog stopped.
inline constexpr int kWatchdogExitCode = 3;

class Watchdog {
 public:
  struct Options {
    absl::Duration interval = absl::Seconds(10);  // --watchdog-interval
    int failures = 3;                             // --watchdog-failures: consecutive failed checks
  };
  // Returns true if the node took a connection during this check.
  using Probe = std::function<bool()>;
  // Called once, from the watchdog's thread, with the failed checks' count.
  using OnStuck = std::function<void(int failures)>;

  // Starts checking at once (the first check after one interval).
  Watchdog(Options options, Probe probe, OnStuck on_stuck);
  // Stops checking; waits for a check in progress.
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Stops checking; waits for a check in progress. Thread-safe, idempotent.
  void Stop();

 private:
  void Loop();

  const Options options_;
  const Probe probe_;
  const OnStuck on_stuck_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::once_flag joined_;
  std::thread thread_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_WATCHDOG_H_
