#include "catalog/audit_log.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "catalog/printable.h"
#include "catalog/validate.h"

namespace bibia::catalog {
namespace {

constexpr int kDefaultLimit = 100;
constexpr size_t kAuditKeyBytes = 16;
// Appended bytes between two checks of the family's size.
constexpr uint64_t kCheckEveryBytes = uint64_t{1} << 20;
// Events one page reads at most, matching its filters or not.
constexpr int kMaxAuditEventsExamined = 100000;

std::string AuditKey(int64_t unix_ms, uint64_t seq) {
  std::string key;
  AppendBigEndian64(&key, static_cast<uint64_t>(unix_ms));
  AppendBigEndian64(&key, seq);
  return key;
}

// Every string of `event` as Printable() makes it, so that no caller-chosen
// value is stored whole or reaches an admin's terminal as a command.
void MakePrintable(v1::AuditEvent* event) {
  event->set_subject(Printable(event->subject()));
  event->set_issuer(Printable(event->issuer()));
  event->set_method(Printable(event->method()));
  event->set_outcome(Printable(event->outcome()));
  event->set_peer(Printable(event->peer()));
  for (std::string& id : *event->mutable_record_ids()) id = Printable(id);
}

// The key a page continues before (newest first), from a page token.
absl::StatusOr<std::string> CursorFromToken(const std::string& token) {
  std::string key = absl::HexStringToBytes(token);
  if (token.size() != 2 * kAuditKeyBytes || absl::BytesToHexString(key) != absl::AsciiStrToLower(token)) {
    return MalformedPageToken();
  }
  return key;
}

}  // namespace

absl::Status AuditLog::Append(v1::AuditEvent event, bool durable) {
  event.set_time_unix_ms(clock_->NowMillis());
  MakePrintable(&event);
  const std::string key = AuditKey(event.time_unix_ms(), seq_.fetch_add(1));
  const std::string value = event.SerializeAsString();
  rocksdb::WriteBatch batch;
  batch.Put(db_->family(Family::kAudit), key, value);
  // Through the disk reserve like every write: a full disk stops the audit too.
  if (absl::Status s = db_->Write(&batch, durable); !s.ok()) return s;
  if (appended_since_check_.fetch_add(key.size() + value.size()) + key.size() + value.size() < kCheckEveryBytes) {
    return absl::OkStatus();
  }
  appended_since_check_ = 0;
  return EnforceMaxBytes();
}

absl::StatusOr<v1::ListAuditResponse> AuditLog::List(const v1::ListAuditRequest& request) const {
  const int limit = request.limit() == 0 ? kDefaultLimit : request.limit();
  if (limit < 0 || limit > kMaxAuditPageEvents) {
    return absl::InvalidArgumentError(absl::StrCat("limit: must be between 1 and ", kMaxAuditPageEvents));
  }
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kAudit);
  if (request.page_token().empty()) {
    it->SeekToLast();
  } else {
    absl::StatusOr<std::string> cursor = CursorFromToken(request.page_token());
    if (!cursor.ok()) return cursor.status();
    it->SeekForPrev(*cursor);
  }
  const std::string since = AuditKey(std::max<int64_t>(0, request.since_unix_ms()), 0);
  v1::ListAuditResponse response;
  size_t bytes = 0;
  int examined = 0;
  v1::AuditEvent event;
  for (; it->Valid(); it->Prev()) {
    if (it->key().compare(since) < 0) break;
    if (response.events_size() == limit || bytes + it->value().size() > kMaxAuditPageBytes ||
        examined == kMaxAuditEventsExamined) {
      // More remain: the next page starts at this event.
      response.set_next_page_token(absl::BytesToHexString(absl::string_view(it->key().data(), it->key().size())));
      break;
    }
    ++examined;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("audit: unreadable event");
    }
    if (!request.subject().empty() && event.subject() != request.subject()) continue;
    if (!request.method().empty() && event.method() != request.method()) continue;
    bytes += it->value().size();
    *response.add_events() = event;
  }
  if (absl::Status s = FromRocks(it->status(), "list audit"); !s.ok()) return s;
  return response;
}

absl::Status AuditLog::Prune(int64_t cutoff_unix_ms) {
  if (cutoff_unix_ms <= 0) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  batch.DeleteRange(db_->family(Family::kAudit), AuditKey(0, 0), AuditKey(cutoff_unix_ms, 0));
  return db_->Write(&batch);
}

absl::StatusOr<uint64_t> AuditLog::ApproximateBytes() const {
  const std::string start = AuditKey(0, 0), limit(kAuditKeyBytes, '\xff');
  rocksdb::Range range(start, limit);
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  uint64_t bytes = 0;
  if (absl::Status s = FromRocks(db_->raw()->GetApproximateSizes(options, db_->family(Family::kAudit), &range, 1,
                                                                 &bytes),
                                 "audit size");
      !s.ok()) {
    return s;
  }
  return bytes;
}

absl::Status AuditLog::EnforceMaxBytes() {
  const uint64_t max_bytes = max_bytes_.load();
  if (max_bytes == 0 || enforcing_.exchange(true)) return absl::OkStatus();
  struct Done {
    std::atomic<bool>* flag;
    ~Done() { *flag = false; }
  } done{&enforcing_};
  absl::StatusOr<uint64_t> bytes = ApproximateBytes();
  if (!bytes.ok()) return bytes.status();
  if (*bytes <= max_bytes) return absl::OkStatus();
  // Oldest first, until what is left is about 90 % of the cap, measured as
  // the cap is (on disk, compressed): every 1,024 events the range so far is
  // sized again.
  const uint64_t excess = *bytes - max_bytes + max_bytes / 10;
  const std::string start = AuditKey(0, 0);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kAudit);
  uint64_t events = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (++events % 1024 != 0) continue;
    const std::string key = it->key().ToString();
    rocksdb::Range range(start, key);
    rocksdb::SizeApproximationOptions options;
    options.include_memtables = true;
    options.include_files = true;
    uint64_t dropped = 0;
    if (absl::Status s = FromRocks(db_->raw()->GetApproximateSizes(options, db_->family(Family::kAudit), &range, 1,
                                                                   &dropped),
                                   "audit size");
        !s.ok()) {
      return s;
    }
    if (dropped >= excess) break;
  }
  if (absl::Status s = FromRocks(it->status(), "audit cap"); !s.ok()) return s;
  const std::string end = it->Valid() ? it->key().ToString() : std::string(kAuditKeyBytes, '\xff');
  rocksdb::WriteBatch batch;
  batch.DeleteRange(db_->family(Family::kAudit), start, end);
  if (absl::Status s = db_->Write(&batch); !s.ok()) return s;
  // The deleted range's files are rewritten now, so that the next size check
  // sees the space freed rather than deleting again.
  rocksdb::Slice begin_slice(start), end_slice(end);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->raw()->CompactRange(compact, db_->family(Family::kAudit), &begin_slice, &end_slice),
                   "audit cap compaction");
}

}  // namespace bibia::catalog
