// Collects artifact chunks no manifest references on a timer: every
// interval it asks the store to collect if that may free something
// (Store::CollectChunksIfDue: a manifest added or removed since the last
// collection, here or by replication, or an upload never committed past its
// grace), and logs what was collected and erased. The check itself reads
// two counters; a collection takes the catalogue's writer lock.
#ifndef BIBIA_NODE_CHUNK_COLLECTOR_H_
#define BIBIA_NODE_CHUNK_COLLECTOR_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "node/periodic_task.h"

namespace bibia::node {

class ChunkCollector {
 public:
  // How many chunks a collection freed, or nullopt if none was due.
  using CollectIfDue = std::function<absl::StatusOr<std::optional<uint64_t>>()>;

  // Calls `collect` every `interval` (> 0) until stopped.
  ChunkCollector(absl::Duration interval, CollectIfDue collect);
  ~ChunkCollector() { Stop(); }
  ChunkCollector(const ChunkCollector&) = delete;
  ChunkCollector& operator=(const ChunkCollector&) = delete;

  // Stops; waits for a collection in progress. Thread-safe, idempotent.
  void Stop() { timer_.Stop(); }

 private:
  // Collects if due, and logs what was collected.
  void CollectOnce();

  const CollectIfDue collect_;
  PeriodicTask timer_;  // last: its thread runs CollectOnce
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_CHUNK_COLLECTOR_H_
