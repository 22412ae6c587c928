// The audit family: who read or wrote what at restricted or expert tier, and
// every write. Keys are (time in µs, sequence), both big-endian, so a scan
// from the end lists newest first and retention is one range deletion.
#ifndef BIBIA_CATALOG_AUDIT_LOG_H_
#define BIBIA_CATALOG_AUDIT_LOG_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "bibia/v1/admin.pb.h"
#include "bibia/v1/identity.pb.h"
#include "catalog/clock.h"
#include "catalog/db.h"

namespace bibia::catalog {

class AuditLog {
 public:
  // `db` and `clock` must outlive the log.
  AuditLog(Db* db, Clock* clock) : db_(db), clock_(clock) {}

  // Appends `event` (its time is set here). `durable` fsyncs the WAL: used for
  // writes; reads are audited without fsync, so a crash may lose the audit of
  // the last reads before it, never of a write. Thread-safe.
  absl::Status Append(v1::AuditEvent event, bool durable);

  // Events matching the request's filters, newest first. Thread-safe.
  absl::StatusOr<std::vector<v1::AuditEvent>> List(const v1::ListAuditRequest& request) const;

  // Deletes events older than `cutoff_unix_ms`.
  absl::Status Prune(int64_t cutoff_unix_ms);

 private:
  Db* const db_;
  Clock* const clock_;
  std::atomic<uint64_t> seq_{0};
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_AUDIT_LOG_H_
