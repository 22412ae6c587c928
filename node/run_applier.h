// Applies the runs one sync receives from a peer, in order, on a thread of its
// own: while the store writes one run, the sync goes on receiving and
// verifying the next (the two halves of a sync then use both cores). The runs
// that wait meanwhile are written together, in one WriteBatch.
#ifndef BIBIA_NODE_RUN_APPLIER_H_
#define BIBIA_NODE_RUN_APPLIER_H_

#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "catalog/store.h"

namespace bibia::node {

class RunApplier {
 public:
  // `store` must outlive it; `peer_id` names the peer in log lines. At most
  // `max_queued` runs wait (memory stays bounded on a long sync).
  RunApplier(catalog::Store* store, std::string peer_id, size_t max_queued = 8);
  ~RunApplier();  // Finish()es
  RunApplier(const RunApplier&) = delete;
  RunApplier& operator=(const RunApplier&) = delete;

  // Queues `run` of log `log_name` (origin/tier), `entries` long, to apply
  // after the runs queued before it; waits while the queue is full. A run
  // that failed verification is queued too: when its turn comes it is
  // counted as rejected, logged, and the log's later runs are dropped (the
  // chain cannot continue past it); the runs before it still apply.
  void Enqueue(const std::string& log_name, absl::StatusOr<catalog::VerifiedRun> run, int64_t entries);
  // True once a run of `log_name` was rejected.
  bool Stopped(const std::string& log_name) const;

  struct Totals {
    int64_t applied = 0;
    int64_t rejected = 0;
    size_t stopped_logs = 0;
  };
  // Applies what is queued, stops the thread and returns the totals.
  Totals Finish();

 private:
  struct Queued {
    std::string log_name;
    absl::StatusOr<catalog::VerifiedRun> run;
    int64_t entries = 0;
  };
  void Loop();
  void Reject(const std::string& log_name, int64_t entries, const absl::Status& error) ABSL_LOCKS_EXCLUDED(mu_);

  catalog::Store* const store_;
  const std::string peer_id_;
  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  // Runs applied, freed by the thread that enqueues: freeing them is a
  // sizeable share of applying, and that thread has time to spare.
  std::vector<catalog::VerifiedRun> spent_ ABSL_GUARDED_BY(mu_);
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<std::string> stopped_ ABSL_GUARDED_BY(mu_);
  Totals totals_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_RUN_APPLIER_H_
