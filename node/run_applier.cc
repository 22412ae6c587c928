#include "node/run_applier.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "node/log.h"

namespace bibia::node {

RunApplier::RunApplier(catalog::Store* store, std::string peer_id, size_t max_queued)
    : store_(store), peer_id_(std::move(peer_id)), max_queued_(max_queued), thread_([this] { Loop(); }) {}

RunApplier::~RunApplier() { Finish(); }

void RunApplier::Enqueue(const std::string& log_name, absl::StatusOr<catalog::VerifiedRun> run, int64_t entries) {
  std::vector<catalog::VerifiedRun> spent;  // freed after the lock is released
  absl::MutexLock lock(&mu_);
  spent.swap(spent_);
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
    // Every run waiting is applied in one write (group commit), up to the
    // first that failed verification, which is rejected after them.
    std::vector<std::string> names;
    std::vector<catalog::VerifiedRun> runs;
    std::vector<int64_t> sizes;
    std::optional<Queued> failed;
    {
      absl::MutexLock lock(&mu_);
      const auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || finishing_; };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // finishing, and everything queued was applied
      while (!queue_.empty() && !failed) {
        Queued next = std::move(queue_.front());
        queue_.pop_front();
        if (stopped_.contains(next.log_name)) {
          totals_.rejected += next.entries;
        } else if (!next.run.ok()) {
          failed = std::move(next);
        } else {
          names.push_back(std::move(next.log_name));
          runs.push_back(std::move(*next.run));
          sizes.push_back(next.entries);
        }
      }
    }
    if (!runs.empty()) {
      std::vector<absl::StatusOr<int64_t>> results = store_->ApplyVerified(runs);
      for (size_t i = 0; i < results.size(); ++i) {
        if (results[i].ok()) {
          absl::MutexLock lock(&mu_);
          totals_.applied += *results[i];
        } else if (!Stopped(names[i])) {
          Reject(names[i], sizes[i], results[i].status());
        } else {
          absl::MutexLock lock(&mu_);
          totals_.rejected += sizes[i];
        }
      }
      absl::MutexLock lock(&mu_);
      for (catalog::VerifiedRun& run : runs) spent_.push_back(std::move(run));
    }
    if (failed) Reject(failed->log_name, failed->entries, failed->run.status());
  }
}

}  // namespace bibia::node
