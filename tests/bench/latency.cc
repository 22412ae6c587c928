#include "tests/bench/latency.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace bibia::bench {

LatencySummary Summarize(std::vector<int64_t> samples) {
  LatencySummary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const auto rank = [&](double q) {
    size_t r = static_cast<size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::clamp<size_t>(r, 1, samples.size()) - 1];
  };
  s.min_ns = samples.front();
  s.p50_ns = rank(0.50);
  s.p90_ns = rank(0.90);
  s.p99_ns = rank(0.99);
  s.max_ns = samples.back();
  s.mean_ns = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  return s;
}

std::string WithCommas(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string Micros(int64_t ns) { return WithCommas((ns + 500) / 1000) + " us"; }

std::string FormatLatency(const LatencySummary& s, bool p90_and_max) {
  std::string out = "p50 " + Micros(s.p50_ns);
  if (p90_and_max) out += "  p90 " + Micros(s.p90_ns);
  out += "  p99 " + Micros(s.p99_ns);
  if (p90_and_max) out += "  max " + Micros(s.max_ns);
  return out;
}

std::string Fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

}  // namespace bibia::bench
