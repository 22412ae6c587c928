#include "node/run_applier.h"

#include "absl/strings/str_cat.h"
#include "node/log.h"

namespace bibia::node {

RunApplier::RunApplier(catalog::CatalogStore* store, std::string peer_id, size_t max_queued)
    : store_(store), peer_id_(std::move(peer_id)), max_queued_(max_queued), thread_([this] { Loop(); }) {}

RunApplier::~RunApplier() { Finish(); }

void RunApplier::Enqueue(const std::string& log_name, absl::StatusOr<catalog::VerifiedRun> run, int64_t entries) {
  absl::MutexLock lock(&mu_);
  const auto has_room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return queue_.size() < max_queued_; };
  mu_.Await(absl::Condition(&has_room));
  queue_.push_back(Queued{log_name, std::move(run), entries});
}

void RunApplier::Reject(const std::string& log_name, int64_t entries, const absl::Status& error) {
  Log(LogLevel::kError, "rejected entries from peer",
      {{"peer", peer_id_}, {"run", log_name}, {"count", absl::StrCat(entries)}, {"error", std::string(error.message())}});
  absl::MutexLock lock(&mu_);
  totals_.rejected += entries;
  stopped_.insert(log_name);
}

bool RunApplier::Stopped(const std::string& log_name) const {
  absl::MutexLock lock(&mu_);
  return stopped_.contains(log_name);
}

RunApplier::Totals RunApplier::Finish() {
  {
    absl::MutexLock lock(&mu_);
    finishing_ = true;
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  Totals totals = totals_;
  totals.stopped_logs = stopped_.size();
  return totals;
}

void RunApplier::Loop() {
  while (true) {
    Queued next;
    {
      absl::MutexLock lock(&mu_);
      const auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || finishing_; };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // finishing, and everything queued was applied
      next = std::move(queue_.front());
      queue_.pop_front();
      if (stopped_.contains(next.log_name)) {
        totals_.rejected += next.entries;
        continue;
      }
    }
    if (!next.run.ok()) {
      Reject(next.log_name, next.entries, next.run.status());
      continue;
    }
    absl::StatusOr<int64_t> applied = store_->ApplyVerified(std::move(*next.run));
    if (!applied.ok()) {
      Reject(next.log_name, next.entries, applied.status());
      continue;
    }
    absl::MutexLock lock(&mu_);
    totals_.applied += *applied;
  }
}

}  // namespace bibia::node
