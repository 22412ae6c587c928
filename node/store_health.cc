#include "node/store_health.h"

#include <optional>
#include <string>
#include <utility>

#include "node/log.h"

namespace bibia::node {

StoreHealth::StoreHealth(absl::Duration interval, Check check, Report report)
    : check_(std::move(check)), report_(std::move(report)) {
  CheckOnce();  // before the constructor returns: no window of a stale status
  timer_ = std::make_unique<PeriodicTask>(interval, [this] { CheckOnce(); });
}

void StoreHealth::CheckOnce() {
  const absl::Status health = check_();
  if (last_ && *last_ == health.code()) return;
  if (health.ok()) {
    if (last_) Log(LogLevel::kInfo, "store: writable again");
  } else {
    Log(LogLevel::kError, "store: cannot write", {{"error", std::string(health.message())}});
  }
  report_(health);
  last_ = health.code();
}

}  // namespace bibia::node
