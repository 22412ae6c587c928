// Store's side of federation: reading this node's logs for peers,
// the frontier, and redaction (received entries: replica_receiver.h).
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "catalog/log_entry_view.h"
#include "catalog/payload_drops.h"
#include "catalog/records.h"
#include "catalog/replica_receiver.h"
#include "catalog/status_macros.h"
#include "catalog/store_batch.h"
#include "catalog/validate.h"

namespace bibia::catalog {

// Receiving, done by the receiver.

absl::StatusOr<VerifiedRun> Store::VerifyRemote(std::vector<v1::LogEntry> entries, const SignatureVerifier& verifier,
                                                v1::Tier max_tier) const {
  return receiver_->VerifyRemote(std::move(entries), verifier, max_tier);
}

absl::StatusOr<VerifiedRun> Store::VerifyRemote(std::vector<std::string> serialized, const SignatureVerifier& verifier,
                                                v1::Tier max_tier) const {
  return receiver_->VerifyRemote(std::move(serialized), verifier, max_tier);
}

absl::StatusOr<int64_t> Store::ApplyVerified(const VerifiedRun& run) { return receiver_->ApplyVerified(run); }

std::vector<absl::StatusOr<int64_t>> Store::ApplyVerified(absl::Span<const VerifiedRun> runs) {
  return receiver_->ApplyVerified(runs);
}

absl::StatusOr<int64_t> Store::ApplyRemote(std::vector<v1::LogEntry> entries, const SignatureVerifier& verifier,
                                           v1::Tier max_tier) {
  return receiver_->ApplyRemote(std::move(entries), verifier, max_tier);
}

uint64_t Store::drop_generation() const { return receiver_->drop_generation(); }

int64_t Store::conflicts() const { return receiver_->conflicts(); }

// Sending.

absl::StatusOr<std::vector<v1::FrontierEntry>> Store::Frontier() const {
  std::vector<v1::FrontierEntry> frontier;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kFrontier);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    size_t zero = key.find('\0');
    if (zero == std::string_view::npos || key.size() != zero + 2 || it->value().size() != 8) {
      return absl::DataLossError("frontier: malformed key or value");
    }
    v1::FrontierEntry& entry = frontier.emplace_back();
    entry.set_origin(std::string(key.substr(0, zero)));
    entry.set_tier(static_cast<v1::Tier>(key[zero + 1]));
    entry.set_seq(DecodeBigEndian64(std::string_view(it->value().data(), 8)));
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read frontier"));
  return frontier;
}

absl::StatusOr<std::vector<std::string>> Store::ReadLogSerialized(const std::string& origin, v1::Tier tier,
                                                                         uint64_t after_seq, size_t min_entries,
                                                                         uint64_t* last_seq, size_t max_bytes) const {
  std::vector<std::string> entries;
  size_t bytes = 0;
  *last_seq = after_seq;
  const std::string prefix = FrontierKey(origin, tier);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewScanIterator(Family::kLog);
  // Keys whose erased payloads still need their redaction entry in this run.
  absl::flat_hash_set<std::string> awaiting;
  for (it->Seek(LogKey(origin, tier, after_seq + 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view value(it->value().data(), it->value().size());
    absl::StatusOr<LogEntryView> entry = ParseLogEntryView(value);
    if (!entry.ok()) {
      return absl::DataLossError(absl::StrCat("log of ", origin, ": unreadable entry: ", entry.status().message()));
    }
    TrackErased(*entry, &awaiting);
    *last_seq = entry->seq;
    const bool closes_run = !entry->signature.empty() && awaiting.empty();
    entries.emplace_back(value);
    bytes += value.size();
    // Stop only where a receiver can verify: at a signed entry, with every
    // erased payload vouched for by the redaction that erased it.
    if ((entries.size() >= min_entries || bytes >= max_bytes) && closes_run) break;
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read log"));
  return entries;
}

absl::StatusOr<std::vector<v1::LogEntry>> Store::ReadLog(const std::string& origin, v1::Tier tier,
                                                               uint64_t after_seq, size_t min_entries) const {
  uint64_t last_seq = 0;
  BIBIA_ASSIGN_OR_RETURN(std::vector<std::string> serialized,
                         ReadLogSerialized(origin, tier, after_seq, min_entries, &last_seq));
  std::vector<v1::LogEntry> entries(serialized.size());
  for (size_t i = 0; i < serialized.size(); ++i) {
    if (!entries[i].ParseFromString(serialized[i])) {
      return absl::DataLossError(absl::StrCat("log of ", origin, ": unreadable entry"));
    }
  }
  return entries;
}

absl::Status Store::RedactHistory(const std::string& id, v1::Tier tier) {
  BIBIA_RETURN_IF_ERROR(CheckId("id", id));
  RecordKind kind = tier == v1::TIER_PUBLIC       ? RecordKind::kPublic
                    : tier == v1::TIER_RESTRICTED ? RecordKind::kRestricted
                    : tier == v1::TIER_EXPERT     ? RecordKind::kExpert
                                                  : RecordKind::kFeedback;
  if (kind == RecordKind::kFeedback) return absl::InvalidArgumentError("tier: public, restricted or expert");
  const std::string key = RecordKey(kind, id);
  // The whole log is read before the writer lock is taken; under it, only
  // the entries appended meanwhile.
  PayloadScan scan;
  BIBIA_RETURN_IF_ERROR(ScanPayloads(*db_, node_id_, tier, key, UINT64_MAX, &scan));
  // Released once the redaction is committed: its scrub lets writes go on.
  absl::ReleasableMutexLock lock(&write_mu_);
  // Where this node's own record of the facet is: where the project's facets
  // are, or, if another member's earlier claim owns the project here, held
  // aside (its payloads are this node's to erase all the same).
  const absl::Status owned = CheckOwned(id);
  const std::string record_key = owned.ok() ? key : AsideKey(kind, id, node_id_);
  BIBIA_ASSIGN_OR_RETURN(auto record, ReadRecord(*db_, record_key));
  // A facet another member wrote under this project's id is not this node's
  // to restate (it would become the owner's, signed by it, everywhere), nor
  // to delete: it stays that member's, as on every other node.
  const bool others = record && record->origin() != node_id_;
  if (others) record.reset();
  if (!record) {
    // Deleted here, its past values may still be in this node's log: erased
    // by a redaction that is a tombstone (the record stays deleted).
    Batch b;
    b.log = log_->Begin();
    const uint64_t seq = log_->Stage(tier, key, nullptr, &b.log, &b.batch, /*redaction=*/true);
    if (!others) b.batch.Delete(db_->family(Family::kRecords), record_key);
    BIBIA_ASSIGN_OR_RETURN(const int erased, StageDropPayloads(*db_, node_id_, tier, key, seq, &b.batch, std::move(scan)));
    if (erased > 0) {
      BIBIA_RETURN_IF_ERROR(StageScrubMarker(tier, &b.batch));
      BIBIA_RETURN_IF_ERROR(Commit(&b));
      lock.Release();
      return ScrubErasedOutsideLock();
    }
    // No such project, or one without this facet, or another's: say which.
    if (!owned.ok()) return owned;
    if (kind != RecordKind::kPublic) {
      BIBIA_ASSIGN_OR_RETURN(auto project, ReadRecord(*db_, RecordKey(RecordKind::kPublic, id)));
      if (!project) return absl::NotFoundError(absl::StrCat("project '", id, "': not found"));
    }
    return absl::NotFoundError(kind == RecordKind::kPublic
                                   ? absl::StrCat("project '", id, "': not found")
                                   : absl::StrCat("project '", id, "' has no ",
                                                  absl::AsciiStrToLower(v1::Tier_Name(tier).substr(5)), " facet"));
  }
  record->clear_origin();
  record->clear_seq();
  const std::string payload = record->SerializeAsString();
  Batch b;
  b.log = log_->Begin();
  uint64_t seq = log_->Stage(tier, key, &payload, &b.log, &b.batch, /*redaction=*/true);
  b.batch.Put(db_->family(Family::kRecords), record_key, RecordRef(node_id_, tier, seq));
  BIBIA_RETURN_IF_ERROR(StageDropPayloads(*db_, node_id_, tier, key, seq, &b.batch, std::move(scan)).status());
  BIBIA_RETURN_IF_ERROR(StageScrubMarker(tier, &b.batch));
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  lock.Release();
  return ScrubErasedOutsideLock();
}

absl::Status Store::StageScrubMarker(v1::Tier tier, rocksdb::WriteBatch* batch) {
  bool index = tier == v1::TIER_PUBLIC;
  if (!index) {
    // A scrub that failed earlier may still owe the index its compaction.
    BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> pending, db_->Get(Family::kMeta, kMetaScrubPending));
    index = pending && *pending != kScrubLogs;
  }
  const std::string_view value = index ? kScrubWithIndex : kScrubLogs;
  ++scrub_marks_;
  return FromRocks(batch->Put(db_->family(Family::kMeta),
                              rocksdb::Slice(kMetaScrubPending.data(), kMetaScrubPending.size()),
                              rocksdb::Slice(value.data(), value.size())),
                   "stage scrub marker");
}

absl::Status Store::ScrubErased() {
  // Erased payloads still sit in the write-ahead log and in older SST files.
  // Flushing every family retires the WAL files that hold them; compacting
  // the log and records families (and the index family, for public text)
  // rewrites the SSTs without the old versions. A search term whose every
  // posting went with them keeps its key (an empty list): deleted first, so
  // the word leaves the files too. The writer lock is held: no posting can
  // arrive between the read and the delete. A marker of a store from before
  // the marker had values (empty) scrubs everything.
  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> pending, db_->Get(Family::kMeta, kMetaScrubPending));
  const bool index = !pending || *pending != kScrubLogs;
  if (index) {
    rocksdb::WriteBatch empties;
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kIndex);
    const rocksdb::Slice terms(&kTermPrefix, 1);
    for (it->Seek(terms); it->Valid() && it->key().starts_with(terms); it->Next()) {
      if (it->value().empty()) empties.Delete(db_->family(Family::kIndex), it->key());
    }
    BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read index to scrub removed payloads"));
    if (empties.Count() > 0) BIBIA_RETURN_IF_ERROR(db_->Write(&empties));
  }
  BIBIA_RETURN_IF_ERROR(FlushAndCompactForScrub(index));
  rocksdb::WriteBatch done;
  done.Delete(db_->family(Family::kMeta), rocksdb::Slice(kMetaScrubPending.data(), kMetaScrubPending.size()));
  return db_->Write(&done);
}

absl::Status Store::FlushAndCompactForScrub(bool index) {
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (int f = 0; f < kFamilyCount; ++f) all.push_back(db_->family(static_cast<Family>(f)));
  rocksdb::FlushOptions flush;
  flush.wait = true;
  BIBIA_RETURN_IF_ERROR(FromRocks(db_->raw()->Flush(flush, all), "flush to scrub removed payloads"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (Family f : {Family::kLog, Family::kRecords, Family::kIndex}) {
    if (f == Family::kIndex && !index) continue;
    BIBIA_RETURN_IF_ERROR(
        FromRocks(db_->raw()->CompactRange(compact, db_->family(f), nullptr, nullptr), "compact to scrub removed payloads"));
  }
  return absl::OkStatus();
}

absl::Status Store::ScrubErasedOutsideLock() {
  // What ScrubErased does, in three steps: (1) the search terms left empty
  // are found without the lock and deleted under it if still empty (a
  // posting may have come meanwhile); (2) flush and compactions, with no
  // lock: writes made meanwhile hold no erased payload, and go to a new WAL
  // and memtable; (3) the marker is cleared under the lock, unless another
  // write set it since (1): the scrub that write runs after this one clears it.
  absl::MutexLock scrubbing(&scrub_mu_);
  uint64_t marks = 0;
  bool index = false;
  {
    absl::MutexLock lock(&write_mu_);
    BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> pending, db_->Get(Family::kMeta, kMetaScrubPending));
    if (!pending) return absl::OkStatus();  // scrubbed meanwhile
    marks = scrub_marks_;
    index = *pending != kScrubLogs;
  }
  if (index) {
    std::vector<std::string> empty;
    std::unique_ptr<rocksdb::Iterator> it = db_->NewScanIterator(Family::kIndex);
    const rocksdb::Slice terms(&kTermPrefix, 1);
    for (it->Seek(terms); it->Valid() && it->key().starts_with(terms); it->Next()) {
      if (it->value().empty()) empty.push_back(it->key().ToString());
    }
    BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read index to scrub removed payloads"));
    if (!empty.empty()) {
      absl::MutexLock lock(&write_mu_);
      std::vector<std::string_view> keys(empty.begin(), empty.end());
      BIBIA_ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> now, db_->MultiGet(Family::kIndex, keys));
      rocksdb::WriteBatch empties;
      for (size_t i = 0; i < keys.size(); ++i) {
        if (now[i] && now[i]->empty()) empties.Delete(db_->family(Family::kIndex), empty[i]);
      }
      if (empties.Count() > 0) BIBIA_RETURN_IF_ERROR(db_->Write(&empties));
    }
  }
  if (options_.scrub_hook) options_.scrub_hook();
  BIBIA_RETURN_IF_ERROR(FlushAndCompactForScrub(index));
  absl::MutexLock lock(&write_mu_);
  if (scrub_marks_ != marks) return absl::OkStatus();
  rocksdb::WriteBatch done;
  done.Delete(db_->family(Family::kMeta), rocksdb::Slice(kMetaScrubPending.data(), kMetaScrubPending.size()));
  return db_->Write(&done);
}

void Store::SetWriteListener(std::function<void()> listener) {
  absl::MutexLock lock(&listener_mu_);
  write_listener_ = std::move(listener);
}

void Store::NotifyWrite() {
  std::function<void()> listener;
  {
    absl::MutexLock lock(&listener_mu_);
    listener = write_listener_;
  }
  if (listener) listener();
}

}  // namespace bibia::catalog
