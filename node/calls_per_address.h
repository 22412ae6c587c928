// Calls being handled at once per client address (the IPv4 address or the
// IPv6 /64, access::RateLimitKey), against a cap: so that one address, even
// with a valid token, cannot hold every thread --max-threads allows.
#ifndef BIBIA_NODE_CALLS_PER_ADDRESS_H_
#define BIBIA_NODE_CALLS_PER_ADDRESS_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace bibia::node {

class CallsPerAddress {
 public:
  // `max` calls at once per address; 0 means no cap.
  explicit CallsPerAddress(int max) : max_(max) {}

  // Counts a call from `key` and returns true, or returns false (counting
  // nothing) if `key` already has `max` calls in flight.
  bool Enter(const std::string& key);
  // Ends a call Enter counted.
  void Leave(const std::string& key);

  int max() const { return max_; }

 private:
  const int max_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_CALLS_PER_ADDRESS_H_
