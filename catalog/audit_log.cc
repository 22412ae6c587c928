#include "catalog/audit_log.h"

#include <algorithm>

#include "catalog/keys.h"

namespace bibia::catalog {
namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 10000;

std::string AuditKey(int64_t unix_ms, uint64_t seq) {
  std::string key;
  AppendBigEndian64(&key, static_cast<uint64_t>(unix_ms));
  AppendBigEndian64(&key, seq);
  return key;
}

}  // namespace

absl::Status AuditLog::Append(v1::AuditEvent event, bool durable) {
  event.set_time_unix_ms(clock_->NowMillis());
  rocksdb::WriteBatch batch;
  batch.Put(db_->family(Family::kAudit), AuditKey(event.time_unix_ms(), seq_.fetch_add(1)),
            event.SerializeAsString());
  rocksdb::WriteOptions options;
  options.sync = durable;
  return FromRocks(db_->raw()->Write(options, &batch), "append audit event");
}

absl::StatusOr<std::vector<v1::AuditEvent>> AuditLog::List(const v1::ListAuditRequest& request) const {
  int limit = request.limit() == 0 ? kDefaultLimit : request.limit();
  if (limit < 0 || limit > kMaxLimit) {
    return absl::InvalidArgumentError("limit: must be between 1 and 10000");
  }
  std::vector<v1::AuditEvent> events;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kAudit);
  const std::string since = AuditKey(std::max<int64_t>(0, request.since_unix_ms()), 0);
  v1::AuditEvent event;
  for (it->SeekToLast(); it->Valid() && static_cast<int>(events.size()) < limit; it->Prev()) {
    if (it->key().compare(since) < 0) break;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("audit: unreadable event");
    }
    if (!request.subject().empty() && event.subject() != request.subject()) continue;
    if (!request.method().empty() && event.method() != request.method()) continue;
    events.push_back(event);
  }
  if (absl::Status s = FromRocks(it->status(), "list audit"); !s.ok()) return s;
  return events;
}

absl::Status AuditLog::Prune(int64_t cutoff_unix_ms) {
  if (cutoff_unix_ms <= 0) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  batch.DeleteRange(db_->family(Family::kAudit), AuditKey(0, 0), AuditKey(cutoff_unix_ms, 0));
  return db_->Write(&batch);
}

}  // namespace bibia::catalog
