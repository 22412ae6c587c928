// Wall clock behind an interface so that tests can control time.
#ifndef BIBIA_CATALOG_CLOCK_H_
#define BIBIA_CATALOG_CLOCK_H_

#include <cstdint>

namespace bibia::catalog {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() = 0;
};

// The system clock; a process-wide instance, thread-safe.
Clock* SystemClock();

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_CLOCK_H_
