#include "node/chunk_collector.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/log.h"

namespace bibia::node {

ChunkCollector::ChunkCollector(absl::Duration interval, CollectIfDue collect)
    : interval_(interval), collect_(std::move(collect)) {
  thread_ = std::thread([this] { Loop(); });
}

void ChunkCollector::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  std::call_once(joined_, [this] { thread_.join(); });
}

void ChunkCollector::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_)) return;
    }
    absl::StatusOr<std::optional<uint64_t>> collected = collect_();
    if (!collected.ok()) {
      Log(LogLevel::kError, "chunk collection failed (retried at the next interval)",
          {{"error", std::string(collected.status().message())}});
    } else if (collected->value_or(0) > 0) {
      Log(LogLevel::kInfo, "chunks no manifest references collected and erased from the store's files",
          {{"chunks", absl::StrCat(**collected)}});
    }
  }
}

}  // namespace bibia::node
