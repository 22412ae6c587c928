#include "node/memory_guard.h"

#include <malloc.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "node/log.h"

namespace bibia::node {

size_t MemoryGuard::MallocHeapBytes() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

MemoryGuard::MemoryGuard(Options options, HeapBytes heap_bytes, Shed shed)
    : options_(options), heap_bytes_(std::move(heap_bytes)), shed_(std::move(shed)) {
  thread_ = std::thread([this] { Loop(); });
}

MemoryGuard::~MemoryGuard() { Stop(); }

void MemoryGuard::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  std::call_once(joined_, [this] { thread_.join(); });
}

uint64_t MemoryGuard::sheds() const {
  absl::MutexLock lock(&mu_);
  return sheds_;
}

void MemoryGuard::Loop() {
  absl::Time last_shed = absl::InfinitePast();
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.interval)) return;
    }
    const size_t before = heap_bytes_();
    const absl::Time now = absl::Now();
    if (before <= options_.max_heap_bytes || now - last_shed < options_.min_gap) continue;
    const int closed = shed_();
    malloc_trim(0);
    last_shed = now;
    {
      absl::MutexLock lock(&mu_);
      ++sheds_;
    }
    Log(LogLevel::kWarning, "memory cap reached: client connections closed",
        {{"cap", "--max-heap-mib"},
         {"heap_mib", absl::StrCat(before >> 20)},
         {"max_heap_mib", absl::StrCat(options_.max_heap_bytes >> 20)},
         {"closed", absl::StrCat(closed)}});
  }
}

}  // namespace bibia::node
