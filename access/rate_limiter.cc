#include "access/rate_limiter.h"

#include <algorithm>

namespace bibia::access {
namespace {

// Past this many addresses, buckets that have refilled are forgotten: a full
// bucket carries no information.
constexpr size_t kMaxTrackedAddresses = 100000;

}  // namespace

bool RateLimiter::Allow(std::string_view key, double now_s) {
  if (rate_ <= 0) return true;
  absl::MutexLock lock(&mu_);
  if (buckets_.size() > kMaxTrackedAddresses) {
    absl::erase_if(buckets_, [&](const auto& entry) {
      return entry.second.tokens + (now_s - entry.second.updated_s) * rate_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(std::string(key), Bucket{burst_, now_s});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + (now_s - b.updated_s) * rate_);
  b.updated_s = now_s;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

std::string AddressWithoutPort(std::string_view peer) {
  size_t colon = peer.rfind(':');
  size_t bracket = peer.rfind(']');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return std::string(peer);
  }
  // "ipv4:1.2.3.4:5" has two colons; a bare "unix:/path" has one and no port.
  if (peer.find(':') == colon) return std::string(peer);
  return std::string(peer.substr(0, colon));
}

}  // namespace bibia::access
