// Bounds the heap a flood of calls can take. gRPC 1.51 queues every call a
// client opens until a thread takes it, without bound, reset or not
// (CVE-2023-44487, "rapid reset"); no hook of its public API sees a call
// before that queue. The guard reads the heap in use every `interval`; past
// `max_heap_bytes` it sheds load: every client connection is closed, which
// drops their queued calls unrun, and the freed memory is handed back to the
// system. Clients reconnect; calls in flight end UNAVAILABLE.
#ifndef BIBIA_NODE_MEMORY_GUARD_H_
#define BIBIA_NODE_MEMORY_GUARD_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bibia::node {

class MemoryGuard {
 public:
  struct Options {
    size_t max_heap_bytes = size_t{1536} << 20;       // --max-heap-mib
    absl::Duration interval = absl::Milliseconds(100);  // between two readings
    absl::Duration min_gap = absl::Seconds(1);          // between two sheds
  };
  // Bytes of heap in use now.
  using HeapBytes = std::function<size_t()>;
  // Sheds load; returns the connections it closed.
  using Shed = std::function<int()>;

  // Starts reading at once.
  MemoryGuard(Options options, HeapBytes heap_bytes, Shed shed);
  // Stops; waits for a reading in progress.
  ~MemoryGuard();
  MemoryGuard(const MemoryGuard&) = delete;
  MemoryGuard& operator=(const MemoryGuard&) = delete;

  // Stops; waits for a reading in progress. Idempotent.
  void Stop();

  // Times load was shed so far.
  uint64_t sheds() const;

  // The process's heap in use, as malloc counts it (small and mapped blocks).
  static size_t MallocHeapBytes();

 private:
  void Loop();

  const Options options_;
  const HeapBytes heap_bytes_;
  const Shed shed_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t sheds_ ABSL_GUARDED_BY(mu_) = 0;
  std::once_flag joined_;
  std::thread thread_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_MEMORY_GUARD_H_
