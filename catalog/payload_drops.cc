#include "catalog/payload_drops.h"

#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "catalog/log_entry_view.h"
#include "catalog/status_macros.h"

namespace bibia::catalog {

absl::Status ScanPayloads(const Db& db, const std::string& origin, v1::Tier tier, const std::string& key,
                          uint64_t before_seq, PayloadScan* scan) {
  std::unique_ptr<rocksdb::Iterator> it = db.NewScanIterator(Family::kLog);
  const std::string prefix = FrontierKey(origin, tier);
  for (it->Seek(LogKey(origin, tier, scan->last_seq + 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    absl::StatusOr<LogEntryView> entry = ParseLogEntryView(std::string_view(it->value().data(), it->value().size()));
    if (!entry.ok()) return absl::DataLossError(absl::StrCat("log of ", origin, ": unreadable entry"));
    if (entry->seq >= before_seq) break;
    scan->last_seq = entry->seq;
    if (entry->key == key && !entry->payload.empty()) scan->log_keys.push_back(it->key().ToString());
  }
  return FromRocks(it->status(), "redact log");
}

absl::StatusOr<int> StageDropPayloads(const Db& db, const std::string& origin, v1::Tier tier,
                                      const std::string& key, uint64_t before_seq, rocksdb::WriteBatch* batch,
                                      PayloadScan scan) {
  BIBIA_RETURN_IF_ERROR(ScanPayloads(db, origin, tier, key, before_seq, &scan));
  // Read again under the lock: an entry found without it may have been
  // emptied since by another redaction.
  int dropped = 0;
  v1::LogEntry entry;
  for (const std::string& log_key : scan.log_keys) {
    BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> value, db.Get(Family::kLog, log_key));
    if (!value) continue;
    if (!entry.ParseFromString(*value)) {
      return absl::DataLossError(absl::StrCat("log of ", origin, ": unreadable entry"));
    }
    if (entry.payload().empty()) continue;
    entry.clear_payload();  // payload_hash stays: the chain still verifies
    batch->Put(db.family(Family::kLog), log_key, entry.SerializeAsString());
    ++dropped;
  }
  return dropped;
}

}  // namespace bibia::catalog
