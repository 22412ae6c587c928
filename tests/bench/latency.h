// Latency samples and the number formatting of the benchmark report.
#ifndef BIBIA_TESTS_BENCH_LATENCY_H_
#define BIBIA_TESTS_BENCH_LATENCY_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bibia::bench {

using Clock = std::chrono::steady_clock;

inline int64_t NanosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

struct LatencySummary {
  size_t count = 0;
  int64_t min_ns = 0, p50_ns = 0, p90_ns = 0, p99_ns = 0, max_ns = 0;
  double mean_ns = 0;
};

// Nearest-rank percentiles of `samples_ns` (taken by value: sorted here).
LatencySummary Summarize(std::vector<int64_t> samples_ns);

// 1234567 -> "1,234,567".
std::string WithCommas(int64_t value);
// Nanoseconds as whole microseconds with separators: "1,830 us".
std::string Micros(int64_t ns);
// "p50 212 us  p90 540 us  p99 1,830 us  max 4,100 us".
std::string FormatLatency(const LatencySummary& s, bool p90_and_max = true);
// Fixed-point with `digits` decimals, e.g. Fixed(2.345, 2) -> "2.35".
std::string Fixed(double value, int digits);

}  // namespace bibia::bench

#endif  // BIBIA_TESTS_BENCH_LATENCY_H_
