// CatalogStore's side of federation: reading this node's logs for peers,
// verifying and applying entries received from them, and redaction.
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "catalog/catalog_store.h"
#include "catalog/keys.h"
#include "catalog/status_macros.h"
#include "catalog/store_batch.h"
#include "catalog/validate.h"

namespace bibia::catalog {
namespace {

// The tier whose log carries records of `kind`.
v1::Tier TierOfKind(char kind) {
  switch (static_cast<RecordKind>(kind)) {
    case RecordKind::kPublic: return v1::TIER_PUBLIC;
    case RecordKind::kRestricted:
    case RecordKind::kFeedback: return v1::TIER_RESTRICTED;
    case RecordKind::kExpert: return v1::TIER_EXPERT;
  }
  return v1::TIER_UNSPECIFIED;
}

bool ValueMatchesKind(const v1::StoredRecord& record, char kind) {
  switch (static_cast<RecordKind>(kind)) {
    case RecordKind::kPublic: return record.has_public_();
    case RecordKind::kRestricted: return record.has_restricted();
    case RecordKind::kExpert: return record.has_expert();
    case RecordKind::kFeedback: return record.has_feedback();
  }
  return false;
}

absl::Status BadEntry(const v1::LogEntry& e, std::string_view problem) {
  return absl::DataLossError(absl::StrCat("entry ", e.origin(), "/", v1::Tier_Name(e.tier()), "/", e.seq(), ": ",
                                          std::string(problem)));
}

// An entry whose payload was erased by a redaction (not a tombstone).
bool IsStripped(const v1::LogEntry& e) { return e.payload().empty() && !e.tombstone(); }

// Keeps `awaiting` the keys of erased payloads not yet followed by their
// redaction, through the entries of a run in order.
void TrackErased(const v1::LogEntry& e, absl::flat_hash_set<std::string>* awaiting) {
  if (e.redaction()) awaiting->erase(e.key());
  if (IsStripped(e) && !e.redaction()) awaiting->insert(e.key());
}

}  // namespace

bool RunIsVerifiable(const std::vector<v1::LogEntry>& entries) {
  if (entries.empty() || entries.back().signature().empty()) return false;
  absl::flat_hash_set<std::string> awaiting;  // keys of stripped entries not yet followed by their redaction
  for (const v1::LogEntry& e : entries) TrackErased(e, &awaiting);
  return awaiting.empty();
}

bool PendingRun::Add(v1::LogEntry entry) {
  TrackErased(entry, &awaiting_);
  entries_.push_back(std::move(entry));
  return !entries_.back().signature().empty() && awaiting_.empty();
}

std::vector<v1::LogEntry> PendingRun::Take() {
  awaiting_.clear();
  return std::exchange(entries_, {});
}

absl::StatusOr<std::vector<v1::FrontierEntry>> CatalogStore::Frontier() const {
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

absl::StatusOr<std::vector<v1::LogEntry>> CatalogStore::ReadLog(const std::string& origin, v1::Tier tier,
                                                               uint64_t after_seq, size_t min_entries) const {
  std::vector<v1::LogEntry> entries;
  const std::string prefix = FrontierKey(origin, tier);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kLog);
  // Keys whose erased payloads still need their redaction entry in this run.
  absl::flat_hash_set<std::string> awaiting;
  for (it->Seek(LogKey(origin, tier, after_seq + 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    v1::LogEntry& entry = entries.emplace_back();
    if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("log of ", origin, ": unreadable entry"));
    }
    TrackErased(entry, &awaiting);
    // Stop only where a receiver can verify: at a signed entry, with every
    // erased payload vouched for by the redaction that erased it.
    if (entries.size() >= min_entries && !entry.signature().empty() && awaiting.empty()) break;
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read log"));
  return entries;
}

absl::Status CatalogStore::StageDropPayloads(const std::string& origin, v1::Tier tier, const std::string& key,
                                             uint64_t before_seq, Batch* b) {
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kLog);
  const std::string prefix = FrontierKey(origin, tier);
  v1::LogEntry entry;
  for (it->Seek(LogKey(origin, tier, 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!entry.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("log of ", origin, ": unreadable entry"));
    }
    if (entry.seq() >= before_seq) break;
    if (entry.key() != key || entry.payload().empty()) continue;
    entry.clear_payload();  // payload_hash stays: the chain still verifies
    b->batch.Put(db_->family(Family::kLog), it->key().ToString(), entry.SerializeAsString());
  }
  return FromRocks(it->status(), "redact log");
}

absl::StatusOr<VerifiedRun> CatalogStore::VerifyRemote(std::vector<v1::LogEntry> entries,
                                                      const SignatureVerifier& verifier, v1::Tier max_tier) const {
  VerifiedRun run;
  if (entries.empty()) return run;
  run.origin_ = entries.front().origin();
  run.tier_ = entries.front().tier();
  const std::string& origin = run.origin_;
  const v1::Tier tier = run.tier_;
  if (origin == node_id_) {
    return absl::FailedPreconditionError(absl::StrCat("entries claim origin '", origin, "', this node's own"));
  }
  if (!IsValidProjectId(origin) || tier == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(tier)) {
    return absl::DataLossError("entries: malformed origin or tier");
  }
  if (entries.back().signature().empty()) return BadEntry(entries.back(), "the last entry of a batch is unsigned");
  if (max_tier != v1::TIER_UNSPECIFIED && tier > max_tier) {
    return absl::PermissionDeniedError(absl::StrCat("entries of tier ", v1::Tier_Name(tier),
                                                    " are above this node's roster tier ", v1::Tier_Name(max_tier)));
  }

  // The chain within the run; how it joins the stored one is ApplyVerified's.
  run.first_prev_hash_ = entries.front().prev_hash();
  std::string hash = run.first_prev_hash_;
  uint64_t seq = entries.front().seq() - 1;
  absl::flat_hash_set<std::string> awaiting;
  for (const v1::LogEntry& e : entries) {
    TrackErased(e, &awaiting);
    if (e.origin() != origin || e.tier() != tier) return BadEntry(e, "mixes origins or tiers");
    if (e.seq() != seq + 1) return BadEntry(e, absl::StrCat("expected seq ", seq + 1, " (an entry is missing)"));
    if (e.prev_hash() != hash) return BadEntry(e, "prev_hash does not continue the chain");
    if (!e.payload().empty() && Sha256(e.payload()) != e.payload_hash()) {
      return BadEntry(e, "payload does not match its hash (altered)");
    }
    hash = EntryHash(e);
    seq = e.seq();
  }
  if (!awaiting.empty()) {
    return absl::DataLossError(absl::StrCat("entries ", origin, "/", v1::Tier_Name(tier),
                                            ": a payload is missing and no redaction of its record follows"));
  }
  if (!verifier.Verify(origin, hash, entries.back().signature())) {
    return absl::UnauthenticatedError(absl::StrCat("entry ", origin, "/", v1::Tier_Name(tier), "/", seq,
                                                   ": signature does not verify with the key of '", origin, "'"));
  }

  // Everything else an entry needs before the writer lock: parse, tokenize,
  // serialize. This is most of the work of applying a run.
  run.items_.reserve(entries.size());
  for (v1::LogEntry& e : entries) {
    VerifiedRun::Item& item = run.items_.emplace_back();
    const std::string& key = e.key();
    if (key.size() < 2 || TierOfKind(key[0]) != tier) return BadEntry(e, "key does not belong to the entry's tier");
    item.log_value = e.SerializeAsString();
    if (!e.payload().empty()) {
      v1::StoredRecord& record = item.record.emplace();
      if (!record.ParseFromString(e.payload()) || !ValueMatchesKind(record, key[0])) {
        return BadEntry(e, "payload is not a record of its key's kind");
      }
      if (static_cast<RecordKind>(key[0]) == RecordKind::kPublic) {
        if (record.public_().id() != key.substr(1) || !IsValidProjectId(record.public_().id())) {
          return BadEntry(e, "public facet id does not match its key");
        }
        item.terms = ExtractTerms(record.public_());
      }
      record.set_origin(e.origin());
      record.set_seq(e.seq());
      // Serialized messages concatenate into their merge, and later scalar
      // fields win: the payload plus a provenance tail is the stored record,
      // without serializing the whole record again.
      v1::StoredRecord provenance;
      provenance.set_origin(e.origin());
      provenance.set_seq(e.seq());
      item.record_value = e.payload() + provenance.SerializeAsString();
      e.clear_payload();
    }
    item.entry = std::move(e);
  }
  return run;
}

absl::Status CatalogStore::StageRemoteChange(const VerifiedRun::Item& item,
                                             absl::flat_hash_map<std::string_view, const v1::StoredRecord*>* staged,
                                             Batch* b) {
  const v1::LogEntry& e = item.entry;
  const std::string& key = e.key();
  // The record as this run leaves it so far, else as stored.
  std::optional<v1::StoredRecord> stored;
  const v1::StoredRecord* old = nullptr;
  if (auto it = staged->find(key); it != staged->end()) {
    old = it->second;
  } else {
    BIBIA_ASSIGN_OR_RETURN(auto bytes, db_->Get(Family::kRecords, key));
    if (bytes) {
      BIBIA_ASSIGN_OR_RETURN(stored, ParseRecord(*bytes, key));
      old = &*stored;
    }
  }
  if (old != nullptr && !old->origin().empty() && old->origin() != e.origin()) {
    // Single writer per record: the first owner this node saw keeps it. The
    // entry stays in the log (the chain needs it) but changes nothing here.
    ++b->conflicts;
    return absl::OkStatus();
  }
  const bool is_public = static_cast<RecordKind>(key[0]) == RecordKind::kPublic;
  const bool is_feedback = static_cast<RecordKind>(key[0]) == RecordKind::kFeedback;
  if (e.tombstone()) {
    if (old == nullptr) return absl::OkStatus();
    if (is_public) index_->StageDelete(old->public_(), &b->index);
    if (is_feedback) --b->feedback_delta;
    b->batch.Delete(db_->family(Family::kRecords), key);
    (*staged)[key] = nullptr;
    return absl::OkStatus();
  }
  if (!item.record) return absl::OkStatus();  // erased: a later entry restates the value
  if (is_public) {
    index_->StageUpsert(old != nullptr ? &old->public_() : nullptr, item.record->public_(), *item.terms, &b->index);
  }
  if (is_feedback && old == nullptr) ++b->feedback_delta;
  b->batch.Put(db_->family(Family::kRecords), key, item.record_value);
  (*staged)[key] = &*item.record;
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CatalogStore::ApplyRemote(std::vector<v1::LogEntry> entries,
                                                  const SignatureVerifier& verifier, v1::Tier max_tier) {
  BIBIA_ASSIGN_OR_RETURN(VerifiedRun run, VerifyRemote(std::move(entries), verifier, max_tier));
  return ApplyVerified(std::move(run));
}

absl::StatusOr<int64_t> CatalogStore::ApplyVerified(VerifiedRun run) {
  if (run.items_.empty()) return 0;
  const std::string& origin = run.origin_;
  const v1::Tier tier = run.tier_;
  absl::MutexLock lock(&write_mu_);
  BIBIA_ASSIGN_OR_RETURN(LogHead head, ReadLogHead(*db_, origin, tier));
  size_t start = 0;
  while (start < run.items_.size() && run.items_[start].entry.seq() <= head.seq) ++start;  // already applied
  if (start == run.items_.size()) return 0;
  const v1::LogEntry& first = run.items_[start].entry;
  if (first.seq() != head.seq + 1) {
    return BadEntry(first, absl::StrCat("expected seq ", head.seq + 1, " (an entry is missing)"));
  }
  // Within the run each prev_hash was checked against the entry before it.
  const std::string& prev_hash = start == 0 ? run.first_prev_hash_ : run.items_[start].entry.prev_hash();
  if (prev_hash != head.hash) return BadEntry(first, "prev_hash does not continue the chain");

  Batch b;
  bool redacted = false;
  absl::flat_hash_map<std::string_view, const v1::StoredRecord*> staged;
  int64_t hlc = 0;
  for (size_t i = start; i < run.items_.size(); ++i) {
    const VerifiedRun::Item& item = run.items_[i];
    const v1::LogEntry& e = item.entry;
    BIBIA_RETURN_IF_ERROR(StageRemoteChange(item, &staged, &b));
    b.batch.Put(db_->family(Family::kLog), LogKey(origin, tier, e.seq()), item.log_value);
    if (e.redaction()) {
      BIBIA_RETURN_IF_ERROR(StageDropPayloads(origin, tier, e.key(), e.seq(), &b));
      // Honest senders send erased entries already stripped; drop the
      // payloads of this run's own earlier entries of the key all the same.
      for (size_t j = start; j < i; ++j) {
        const v1::LogEntry& earlier = run.items_[j].entry;  // its payload was cleared by VerifyRemote
        if (earlier.key() != e.key() || !run.items_[j].record) continue;
        b.batch.Put(db_->family(Family::kLog), LogKey(origin, tier, earlier.seq()), earlier.SerializeAsString());
      }
      redacted = true;
    }
    hlc = std::max(hlc, e.hlc_time());
  }
  const uint64_t seq = run.items_.back().entry.seq();
  std::string frontier;
  AppendBigEndian64(&frontier, seq);
  b.batch.Put(db_->family(Family::kFrontier), FrontierKey(origin, tier), frontier);
  index_->Flush(&b.index, &b.batch);
  BIBIA_RETURN_IF_ERROR(db_->Write(&b.batch));
  index_->Apply(b.index);
  log_->Observe(hlc);
  feedback_count_ += b.feedback_delta;
  conflicts_ += b.conflicts;
  NotifyWrite();
  if (redacted) BIBIA_RETURN_IF_ERROR(ScrubErased());
  return static_cast<int64_t>(run.items_.size() - start);
}

absl::Status CatalogStore::RedactHistory(const std::string& id, v1::Tier tier) {
  if (!IsValidProjectId(id)) return absl::InvalidArgumentError(absl::StrCat("id: '", id, "' must match [a-z0-9-]{1,80}"));
  RecordKind kind = tier == v1::TIER_PUBLIC       ? RecordKind::kPublic
                    : tier == v1::TIER_RESTRICTED ? RecordKind::kRestricted
                    : tier == v1::TIER_EXPERT     ? RecordKind::kExpert
                                                  : RecordKind::kFeedback;
  if (kind == RecordKind::kFeedback) return absl::InvalidArgumentError("tier: public, restricted or expert");
  absl::MutexLock lock(&write_mu_);
  const std::string key = RecordKey(kind, id);
  BIBIA_ASSIGN_OR_RETURN(auto bytes, db_->Get(Family::kRecords, key));
  if (!bytes) return absl::NotFoundError(absl::StrCat("project '", id, "' has no ", v1::Tier_Name(tier), " facet"));
  BIBIA_RETURN_IF_ERROR(CheckOwned(id));
  BIBIA_ASSIGN_OR_RETURN(v1::StoredRecord record, ParseRecord(*bytes, key));
  v1::StoredRecord value = record;
  value.clear_origin();
  value.clear_seq();
  const std::string payload = value.SerializeAsString();
  Batch b;
  b.log = log_->Begin();
  uint64_t seq = log_->Stage(tier, key, &payload, &b.log, &b.batch, /*redaction=*/true);
  record.set_seq(seq);
  b.batch.Put(db_->family(Family::kRecords), key, record.SerializeAsString());
  BIBIA_RETURN_IF_ERROR(StageDropPayloads(node_id_, tier, key, seq, &b));
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  return ScrubErased();
}

absl::Status CatalogStore::ScrubErased() {
  // Erased payloads still sit in the write-ahead log and in older SST files.
  // Flushing every family retires the WAL files that hold them; compacting
  // the log and records families rewrites the SSTs without the old versions.
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (int f = 0; f < kFamilyCount; ++f) all.push_back(db_->family(static_cast<Family>(f)));
  rocksdb::FlushOptions flush;
  flush.wait = true;
  BIBIA_RETURN_IF_ERROR(FromRocks(db_->raw()->Flush(flush, all), "flush after redaction"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (Family f : {Family::kLog, Family::kRecords}) {
    BIBIA_RETURN_IF_ERROR(
        FromRocks(db_->raw()->CompactRange(compact, db_->family(f), nullptr, nullptr), "compact after redaction"));
  }
  return absl::OkStatus();
}

void CatalogStore::SetWriteListener(std::function<void()> listener) {
  absl::MutexLock lock(&listener_mu_);
  write_listener_ = std::move(listener);
}

void CatalogStore::NotifyWrite() {
  std::function<void()> listener;
  {
    absl::MutexLock lock(&listener_mu_);
    listener = write_listener_;
  }
  if (listener) listener();
}

}  // namespace bibia::catalog
