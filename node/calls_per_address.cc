#include "node/calls_per_address.h"

namespace bibia::node {

bool CallsPerAddress::Enter(const std::string& key) {
  absl::MutexLock lock(&mu_);
  int& count = in_flight_[key];
  if (max_ > 0 && count >= max_) {
    if (count == 0) in_flight_.erase(key);
    return false;
  }
  ++count;
  return true;
}

void CallsPerAddress::Leave(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = in_flight_.find(key);
  if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
}

}  // namespace bibia::node
