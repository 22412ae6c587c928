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

// Default cap on the audit family's size on disk (see set_max_bytes).
inline constexpr uint64_t kDefaultMaxAuditBytes = uint64_t{256} << 20;
// Most events and bytes of events one List page returns.
inline constexpr int kMaxAuditPageEvents = 10000;
inline constexpr size_t kMaxAuditPageBytes = size_t{1} << 20;

class AuditLog {
 public:
  // `db` and `clock` must outlive the log.
  AuditLog(Db* db, Clock* clock) : db_(db), clock_(clock) {}

  // Appends `event` (its time is set here). Its strings are stored as
  // Printable() makes them: control characters escaped, each value cut at
  // kMaxEchoedValueBytes. `durable` fsyncs the WAL: used for writes; reads
  // are audited without fsync, so a crash may lose the audit of the last
  // reads before it, never of a write. Thread-safe.
  absl::Status Append(v1::AuditEvent event, bool durable);

  // Events matching the request's filters, newest first: at most `limit`
  // (default 100, at most kMaxAuditPageEvents) and kMaxAuditPageBytes; when
  // more remain, `next_page_token` continues after the last one returned.
  // INVALID_ARGUMENT for a bad limit or page token. Thread-safe.
  absl::StatusOr<v1::ListAuditResponse> List(const v1::ListAuditRequest& request) const;

  // Deletes events older than `cutoff_unix_ms`.
  absl::Status Prune(int64_t cutoff_unix_ms);

  // Caps the family's size on disk: once it exceeds `max_bytes`, the oldest
  // events are deleted (and their space compacted away) until it holds about
  // 90 % of it. Checked after every MiB appended, on RocksDB's approximate
  // sizes: the family may exceed the cap by up to about 2 MiB. 0: no cap.
  void set_max_bytes(uint64_t max_bytes) { max_bytes_ = max_bytes; }

  // The family's approximate size on disk and in memory, in bytes.
  absl::StatusOr<uint64_t> ApproximateBytes() const;

 private:
  absl::Status EnforceMaxBytes();

  Db* const db_;
  Clock* const clock_;
  std::atomic<uint64_t> seq_{0};
  std::atomic<uint64_t> max_bytes_{kDefaultMaxAuditBytes};
  std::atomic<uint64_t> appended_since_check_{0};
  std::atomic<bool> enforcing_{false};
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_AUDIT_LOG_H_
