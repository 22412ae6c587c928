// Reports the store's health through gRPC's health service: every interval
// it asks the store whether it can write (CatalogStore::Health) and, on each
// change, calls `report` with the outcome and logs it. The node maps it to
// the health statuses: the Contribute service is NOT_SERVING while the store
// cannot write (disk nearly full, or stopped on a storage error), the whole
// node too while the store is stopped on an error. Checking also resumes a
// stopped store once space returned.
#ifndef BIBIA_NODE_STORE_HEALTH_H_
#define BIBIA_NODE_STORE_HEALTH_H_

#include <functional>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "node/periodic_task.h"

namespace bibia::node {

class StoreHealth {
 public:
  using Check = std::function<absl::Status()>;
  using Report = std::function<void(const absl::Status& health)>;

  // Checks (and reports) before returning, then every `interval` until stopped.
  StoreHealth(absl::Duration interval, Check check, Report report);
  ~StoreHealth() { Stop(); }
  StoreHealth(const StoreHealth&) = delete;
  StoreHealth& operator=(const StoreHealth&) = delete;

  // Stops checking; waits for a check in progress. Thread-safe, idempotent.
  void Stop() { timer_->Stop(); }

 private:
  // Checks, and reports if the outcome changed. Called by one thread at a time.
  void CheckOnce();

  const Check check_;
  const Report report_;
  std::optional<absl::StatusCode> last_;  // the outcome last reported
  std::unique_ptr<PeriodicTask> timer_;   // started after the first check
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_STORE_HEALTH_H_
