#include "access/refusal_tally.h"

#include "absl/strings/str_cat.h"

namespace bibia::access {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr char kOtherAddresses[] = "(other addresses)";

}  // namespace

bool RefusalTally::Count(const std::string& address_key, const v1::AuditEvent& event, int64_t now_ms,
                         std::vector<v1::AuditEvent>* due) {
  absl::MutexLock lock(&mu_);
  const int64_t minute = now_ms / kMinuteMs;
  if (minute != minute_) {
    TakeSums(due);
    minute_ = minute;
  }
  std::string key = absl::StrCat(address_key, "\n", event.method(), "\n", event.outcome());
  if (!tallies_.contains(key) && tallies_.size() >= kMaxRefusalKeysPerMinute) {
    key = absl::StrCat(kOtherAddresses, "\n", event.method(), "\n", event.outcome());
  }
  auto [it, opened] = tallies_.try_emplace(key);
  if (opened) {
    it->second.first = event;
    if (key.rfind(kOtherAddresses, 0) == 0) it->second.first.set_peer(kOtherAddresses);
    return true;
  }
  ++it->second.more;
  return false;
}

std::vector<v1::AuditEvent> RefusalTally::TakeAll() {
  absl::MutexLock lock(&mu_);
  std::vector<v1::AuditEvent> due;
  TakeSums(&due);
  return due;
}

void RefusalTally::TakeSums(std::vector<v1::AuditEvent>* due) {
  for (auto& [key, tally] : tallies_) {
    if (tally.more == 0) continue;
    v1::AuditEvent sum = std::move(tally.first);
    sum.clear_record_ids();
    sum.set_count(tally.more);
    due->push_back(std::move(sum));
  }
  tallies_.clear();
}

}  // namespace bibia::access
