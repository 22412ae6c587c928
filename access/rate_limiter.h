// Per-address token buckets for anonymous callers, so one address cannot
// monopolise a node's public tier.
#ifndef BIBIA_ACCESS_RATE_LIMITER_H_
#define BIBIA_ACCESS_RATE_LIMITER_H_

#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace bibia::access {

class RateLimiter {
 public:
  // `rate` requests per second sustained, `burst` at once; rate <= 0 disables.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Takes one request from `key`'s bucket at time `now_s` (seconds, monotonic);
  // false if the bucket is empty. Thread-safe.
  bool Allow(std::string_view key, double now_s);

 private:
  struct Bucket {
    double tokens;
    double updated_s;
  };
  const double rate_;
  const double burst_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

// "ipv4:127.0.0.1:5312" -> "ipv4:127.0.0.1"; "ipv6:[::1]:5312" -> "ipv6:[::1]".
std::string AddressWithoutPort(std::string_view peer);

// The key an anonymous caller is limited under, from gRPC's peer string: the
// IPv4 address, or the /64 prefix of an IPv6 one ("ipv6:[2001:db8:0:7::1]:443"
// -> "ipv6:[2001:db8:0:7::]/64"), since one host commonly holds a whole /64.
// IPv4-mapped IPv6 addresses key as IPv4; percent-encoded brackets (gRPC's
// URI form "ipv6:%5B::1%5D:443") are decoded; anything else keys as
// AddressWithoutPort.
std::string RateLimitKey(std::string_view peer);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_RATE_LIMITER_H_
