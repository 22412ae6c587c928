#include "node/chunk_collector.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/log.h"

namespace bibia::node {

ChunkCollector::ChunkCollector(absl::Duration interval, CollectIfDue collect)
    : collect_(std::move(collect)), timer_(interval, [this] { CollectOnce(); }) {}

void ChunkCollector::CollectOnce() {
  absl::StatusOr<std::optional<uint64_t>> collected = collect_();
  if (!collected.ok()) {
    Log(LogLevel::kError, "chunk collection failed (retried at the next interval)",
        {{"error", std::string(collected.status().message())}});
  } else if (collected->value_or(0) > 0) {
    Log(LogLevel::kInfo, "chunks no manifest references collected and erased from the store's files",
        {{"chunks", absl::StrCat(**collected)}});
  }
}

}  // namespace bibia::node
