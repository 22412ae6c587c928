#include "access/rate_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

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

std::string RateLimitKey(std::string_view peer) {
  constexpr std::string_view kIpv6 = "ipv6:";
  if (peer.substr(0, kIpv6.size()) != kIpv6) return AddressWithoutPort(peer);
  const absl::string_view address(peer.data() + kIpv6.size(), peer.size() - kIpv6.size());
  std::string rest =
      absl::StrReplaceAll(address, {{"%5B", "["}, {"%5D", "]"}, {"%5b", "["}, {"%5d", "]"}, {"%25", "%"}});
  // "[addr]:port" or "[addr]"; a bare "addr" has no port to strip.
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return AddressWithoutPort(peer);
    rest = rest.substr(1, close - 1);
  }
  if (const size_t zone = rest.find('%'); zone != std::string::npos) rest.resize(zone);  // fe80::1%eth0
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, rest.c_str(), bytes) != 1) return AddressWithoutPort(peer);
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char text[INET6_ADDRSTRLEN];
  if (std::memcmp(bytes, kMapped, sizeof(kMapped)) == 0) {
    inet_ntop(AF_INET, bytes + 12, text, sizeof(text));
    return absl::StrCat("ipv4:", text);
  }
  std::memset(bytes + 8, 0, 8);
  inet_ntop(AF_INET6, bytes, text, sizeof(text));
  return absl::StrCat("ipv6:[", text, "]/64");
}

}  // namespace bibia::access
