#include "catalog/records.h"

#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "catalog/log_entry_view.h"
#include "catalog/status_macros.h"

namespace bibia::catalog {
namespace {

absl::Status BadReference(std::string_view key, std::string_view problem) {
  return absl::DataLossError(absl::StrCat("records: the value at key '", std::string(key), "' ", std::string(problem)));
}

}  // namespace

std::string RecordRef(std::string_view origin, v1::Tier tier, uint64_t seq) { return LogKey(origin, tier, seq); }

absl::StatusOr<std::string_view> RefOrigin(std::string_view ref, std::string_view key) {
  const size_t zero = ref.find('\0');
  if (zero == std::string_view::npos || ref.size() != zero + 2 + 8) return BadReference(key, "is not a log key");
  return ref.substr(0, zero);
}

bool ClaimsBefore(const v1::StoredRecord& a, const v1::StoredRecord& b) {
  if (a.claimed_hlc() != b.claimed_hlc()) return a.claimed_hlc() < b.claimed_hlc();
  return a.origin() < b.origin();
}

absl::StatusOr<std::optional<v1::StoredRecord>> ReadRecord(const Db& db, std::string_view key) {
  BIBIA_ASSIGN_OR_RETURN(auto ref, db.Get(Family::kRecords, key));
  if (!ref) return std::optional<v1::StoredRecord>();
  std::string current = std::move(*ref);
  // A redaction moves a reference to its own entry and erases the payloads
  // before it in one write: a reader that got the old reference finds its
  // payload gone, and the new reference on a second look.
  for (int look = 0; look < 2; ++look) {
    std::optional<LogKeyParts> parts = ParseLogKey(current);
    if (!parts) return BadReference(key, "is not a log key");
    BIBIA_ASSIGN_OR_RETURN(auto entry, db.Get(Family::kLog, current));
    if (entry) {
      BIBIA_ASSIGN_OR_RETURN(LogEntryView view, ParseLogEntryView(*entry));
      const std::string_view payload = view.payload;
      if (!payload.empty()) {
        v1::StoredRecord record;
        if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
          return BadReference(key, "names an entry whose payload is unreadable");
        }
        record.set_origin(std::move(parts->origin));
        record.set_seq(parts->seq);
        return std::optional<v1::StoredRecord>(std::move(record));
      }
    }
    BIBIA_ASSIGN_OR_RETURN(auto again, db.Get(Family::kRecords, key));
    if (!again) return std::optional<v1::StoredRecord>();  // deleted meanwhile
    if (*again == current) break;
    current = std::move(*again);
  }
  return BadReference(key, "names an entry that holds no value");
}

absl::Status MigrateRecordsToReferences(Db* db) {
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it = db->NewIterator(Family::kRecords);
  v1::StoredRecord record;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string key = it->key().ToString();
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) || key.empty()) {
      return BadReference(key, "is unreadable (schema version 2)");
    }
    const v1::Tier tier = TierOfRecordKind(key[0]);
    if (tier == v1::TIER_UNSPECIFIED || record.origin().empty() || record.seq() == 0) {
      return BadReference(key, "has no origin, seq or kind (schema version 2)");
    }
    const std::string ref = RecordRef(record.origin(), tier, record.seq());
    BIBIA_ASSIGN_OR_RETURN(auto entry, db->Get(Family::kLog, ref));
    if (!entry) return BadReference(key, "names a log entry that is missing (schema version 2)");
    BIBIA_ASSIGN_OR_RETURN(LogEntryView view, ParseLogEntryView(*entry));
    if (view.payload.empty()) return BadReference(key, "names a log entry without payload (schema version 2)");
    batch.Put(db->family(Family::kRecords), key, ref);
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read records to migrate"));
  // Index rows by id that schema 2 wrote and nothing read.
  batch.DeleteRange(db->family(Family::kIndex), std::string(1, kOldDocIdPrefix), std::string(1, kOldDocIdPrefix + 1));
  batch.Put(db->family(Family::kMeta), std::string(kMetaSchemaVersion), std::to_string(kSchemaVersion));
  return db->Write(&batch);
}

}  // namespace bibia::catalog
