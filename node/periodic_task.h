// Runs a function on a thread of its own every interval until stopped: the
// timer of the store's health check and of chunk collection.
#ifndef BIBIA_NODE_PERIODIC_TASK_H_
#define BIBIA_NODE_PERIODIC_TASK_H_

#include <functional>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bibia::node {

class PeriodicTask {
 public:
  // Calls `run` every `interval` (> 0), the first time one interval from
  // now, until stopped.
  PeriodicTask(absl::Duration interval, std::function<void()> run);
  ~PeriodicTask() { Stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Stops; waits for a run in progress. Thread-safe, idempotent.
  void Stop();

 private:
  void Loop();

  const absl::Duration interval_;
  const std::function<void()> run_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::once_flag joined_;
  std::thread thread_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_PERIODIC_TASK_H_
