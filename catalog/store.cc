#include "catalog/store.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "catalog/keys.h"
#include "catalog/records.h"
#include "catalog/remote_group.h"
#include "catalog/replica_receiver.h"
#include "catalog/store_batch.h"
#include "catalog/settings_store.h"
#include "catalog/status_macros.h"
#include "catalog/validate.h"
#include "google/protobuf/util/message_differencer.h"

namespace bibia::catalog {
namespace {

constexpr int kDefaultListPageSize = 50;
constexpr int kMaxListPageSize = 500;

absl::Status NotFound(std::string_view what, std::string_view id) {
  return absl::NotFoundError(absl::StrCat(std::string(what), ": project '", std::string(id), "' not found"));
}

// What makes two feedbacks the same for an import (a re-imported file adds
// none): kind, text, outcome, objective and author, each length-prefixed so
// that no two different tuples give the same string.
std::string FeedbackFingerprint(const v1::Feedback& f) {
  std::string fingerprint = absl::StrCat(static_cast<int>(f.kind()), ":");
  for (const std::string* field : {&f.text(), &f.outcome(), &f.objective(), &f.author_collectivity()}) {
    absl::StrAppend(&fingerprint, field->size(), ":", *field);
  }
  return fingerprint;
}

// Where the fingerprint row of this node's feedback `f` is.
std::string FingerprintKeyOf(const v1::Feedback& f) {
  return FeedbackFingerprintKey(f.project_id(), Sha256(FeedbackFingerprint(f)));
}

std::string WithRecordPrefix(absl::Status status, size_t position, const std::string& id) {
  return absl::StrCat("record ", position, " (id ", id.empty() ? "?" : id, "): ", status.message());
}


// Where a feedback stands in the order of ListFeedback: oldest first, by
// creation time, then by origin and the seq in its id (keys hold ids in
// string order, "x-r167" before "x-r57"). A total order: a page token is the
// place of the last item of its page, "<time>.<seq>.<origin>".
struct FeedbackOrder {
  int64_t created_unix_ms = 0;
  std::string origin;
  uint64_t seq = 0;

  static FeedbackOrder Of(const v1::Feedback& f) {
    FeedbackOrder order{f.created_unix_ms(), f.origin(), 0};
    absl::string_view id = f.id();
    if (const size_t r = id.rfind("-r"); r != absl::string_view::npos) {
      (void)absl::SimpleAtoi(id.substr(r + 2), &order.seq);
    }
    return order;
  }
  std::string Encode() const { return absl::StrCat(created_unix_ms, ".", seq, ".", origin); }
  static std::optional<FeedbackOrder> Decode(const std::string& token) {
    std::vector<absl::string_view> parts = absl::StrSplit(token, absl::MaxSplits('.', 2));
    FeedbackOrder order;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &order.created_unix_ms) ||
        !absl::SimpleAtoi(parts[1], &order.seq) ||
        !IsValidProjectId(std::string_view(parts[2].data(), parts[2].size()))) {
      return std::nullopt;
    }
    order.origin = std::string(parts[2]);
    return order;
  }
  bool operator<(const FeedbackOrder& o) const {
    return std::tie(created_unix_ms, origin, seq) < std::tie(o.created_unix_ms, o.origin, o.seq);
  }
};

// PERMISSION_DENIED naming the first facet `project` sets that `writable`
// leaves out: the caller's policy let it write only the others.
absl::Status CheckWritable(const v1::Project& project, FacetMask writable) {
  for (const auto& [facet, set, name] : {std::tuple{kPublicFacet, project.has_public_(), "public"},
                                         std::tuple{kRestrictedFacet, project.has_restricted(), "restricted"},
                                         std::tuple{kExpertFacet, project.has_expert(), "expert"}}) {
    if (set && (writable & facet) == 0) {
      return absl::PermissionDeniedError(
          absl::StrCat(name, ": this write may not set the ", name, " facet (nothing written)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Store::Store(const Options& options) : options_(options) {}

Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, const Options& options) {
  auto store = std::unique_ptr<Store>(new Store(options));
  BIBIA_ASSIGN_OR_RETURN(store->db_, Db::Open(dir, options.db));
  if (store->db_->schema_version() == 2) BIBIA_RETURN_IF_ERROR(MigrateRecordsToReferences(store->db_.get()));
  BIBIA_RETURN_IF_ERROR(store->LoadNodeId());
  BIBIA_ASSIGN_OR_RETURN(store->index_, SearchIndex::Load(store->db_.get()));
  if (store->index_->stale()) BIBIA_RETURN_IF_ERROR(store->RebuildIndex(options.reindex_progress));
  Store* s = store.get();
  store->receiver_ = std::make_unique<ReplicaReceiver>(ReplicaReceiver::Context{
      .db = s->db_.get(),
      .index = s->index_.get(),
      .node_id = s->node_id_,
      .write_mu = &s->write_mu_,
      .stage_scrub_marker = [s](v1::Tier tier, rocksdb::WriteBatch* batch)
                                ABSL_NO_THREAD_SAFETY_ANALYSIS { return s->StageScrubMarker(tier, batch); },
      .committed = [s](const ReplicaReceiver::Committed& group) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        if (group.manifests_changed) ++s->manifest_generation_;  // chunk collection is due
        return s->RemoteGroupCommitted(group.hlc, group.feedback_delta, group.deleted_projects);
      },
      .scrub = [s] { return s->ScrubErasedOutsideLock(); },
  });
  store->audit_ = std::make_unique<AuditLog>(store->db_.get(), options.clock);
  BIBIA_ASSIGN_OR_RETURN(store->chunks_,
                         ChunkStore::Open(store->db_.get(), options.clock, options.max_artifact_bytes));
  {
    absl::MutexLock lock(&store->write_mu_);
    BIBIA_ASSIGN_OR_RETURN(store->log_,
                           LogWriter::Load(store->db_.get(), store->node_id_, options.clock, options.signer));
    BIBIA_RETURN_IF_ERROR(store->CountAndReconcileFeedback());
    BIBIA_RETURN_IF_ERROR(store->AddMissingFeedbackFingerprints());
    BIBIA_RETURN_IF_ERROR(store->receiver_->LoadAsideIds());
  }
  // Payloads removed by a write just before a crash may still be in the files.
  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> scrub, store->db_->Get(Family::kMeta, kMetaScrubPending));
  if (scrub) BIBIA_RETURN_IF_ERROR(store->ScrubErased());
  return store;
}

absl::Status Store::RemoteGroupCommitted(int64_t hlc, int64_t feedback_delta,
                                          const std::vector<std::string>& deleted_projects) {
  log_->Observe(hlc);
  feedback_count_ += feedback_delta;
  NotifyWrite();
  // A second commit, of this node's own log: a crash between the two leaves
  // feedback that the next Open deletes (CountAndReconcileFeedback).
  for (const std::string& project : deleted_projects) BIBIA_RETURN_IF_ERROR(DeleteOwnFeedback(project));
  return absl::OkStatus();
}

absl::Status Store::CountAndReconcileFeedback() {
  int64_t feedback = 0;
  std::set<std::string> orphaned;  // projects gone that this node's feedback is still about
  std::map<std::string, bool, std::less<>> exists;  // by project id, read once each
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  const std::string prefix(1, static_cast<char>(RecordKind::kFeedback));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ++feedback;
    const std::string_view key(it->key().data(), it->key().size());
    BIBIA_ASSIGN_OR_RETURN(std::string_view origin, RefOrigin(std::string_view(it->value().data(), it->value().size()), key));
    if (origin != node_id_) continue;  // other members' feedback is theirs to delete
    const std::string project(key.substr(1, key.find('/') - 1));
    auto [known, inserted] = exists.try_emplace(project, false);
    if (inserted) {
      BIBIA_ASSIGN_OR_RETURN(auto record, ReadRecord(*db_, RecordKey(RecordKind::kPublic, project)));
      known->second = record.has_value();
    }
    if (!known->second) orphaned.insert(project);
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "count feedback"));
  feedback_count_ = feedback;
  for (const std::string& project : orphaned) BIBIA_RETURN_IF_ERROR(DeleteOwnFeedback(project));
  return absl::OkStatus();
}

absl::Status Store::AddMissingFeedbackFingerprints() {
  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> done, db_->Get(Family::kMeta, kMetaFeedbackFingerprints));
  if (done) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  const std::string prefix(1, static_cast<char>(RecordKind::kFeedback));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> record, ReadRecord(*db_, it->key().ToString()));
    if (!record || record->origin() != node_id_) continue;
    batch.Put(db_->family(Family::kRecords), FingerprintKeyOf(record->feedback()), record->feedback().id());
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read feedback to fingerprint"));
  batch.Put(db_->family(Family::kMeta), std::string(kMetaFeedbackFingerprints), "1");
  return db_->Write(&batch);
}

absl::Status Store::StageOwnFeedbackDeletion(const std::string& project_id, Batch* b) {
  BIBIA_ASSIGN_OR_RETURN(std::vector<v1::Feedback> feedback, ListFeedback(project_id));
  for (const v1::Feedback& f : feedback) {
    if (f.origin() != node_id_) continue;  // other members' feedback is theirs to delete
    StageRecord(v1::TIER_RESTRICTED, FeedbackKey(project_id, f.id()), nullptr, b);
    b->batch.Delete(db_->family(Family::kRecords), FingerprintKeyOf(f));
    --b->feedback_delta;
  }
  return absl::OkStatus();
}

absl::Status Store::DeleteOwnFeedback(const std::string& project_id) {
  Batch b;
  b.log = log_->Begin();
  BIBIA_RETURN_IF_ERROR(StageOwnFeedbackDeletion(project_id, &b));
  return Commit(&b);
}

absl::Status Store::LoadNodeId() {
  BIBIA_ASSIGN_OR_RETURN(auto stored, db_->Get(Family::kMeta, kMetaNodeId));
  if (stored) {
    if (!options_.node_id.empty() && options_.node_id != *stored) {
      return absl::FailedPreconditionError(absl::StrCat("node id: the store belongs to node '", *stored,
                                                        "', not '", options_.node_id, "'"));
    }
    node_id_ = *stored;
    return absl::OkStatus();
  }
  node_id_ = options_.node_id.empty() ? "local" : options_.node_id;
  BIBIA_RETURN_IF_ERROR(CheckId("node id", node_id_));
  rocksdb::WriteBatch batch;
  batch.Put(db_->family(Family::kMeta), std::string(kMetaNodeId), node_id_);
  return db_->Write(&batch);
}

// Settings share the meta family with the store's own names; a prefix keeps
// them apart.
absl::Status Store::PutSetting(const std::string& name, const std::string& value) {
  return SettingsStore(db_.get()).Put(name, value);
}

absl::Status Store::DeleteSetting(const std::string& name) { return SettingsStore(db_.get()).Delete(name); }

absl::StatusOr<std::optional<std::string>> Store::GetSetting(const std::string& name) const {
  return SettingsStore(db_.get()).Get(name);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Store::ScanSettings(
    const std::string& prefix) const {
  return SettingsStore(db_.get()).Scan(prefix);
}

absl::StatusOr<std::optional<v1::ProjectPublic>> Store::ReadPublic(const std::string& id) const {
  BIBIA_ASSIGN_OR_RETURN(auto record, ReadRecord(*db_, RecordKey(RecordKind::kPublic, id)));
  if (!record) return std::optional<v1::ProjectPublic>();
  record->DiscardUnknownFields();  // see GetProject
  return std::optional<v1::ProjectPublic>(std::move(*record->mutable_public_()));
}

void Store::StageRecord(v1::Tier tier, const std::string& key, const v1::StoredRecord* value, Batch* b) {
  rocksdb::ColumnFamilyHandle* records = db_->family(Family::kRecords);
  if (value == nullptr) {
    log_->Stage(tier, key, nullptr, &b->log, &b->batch);
    b->batch.Delete(records, key);
    return;
  }
  std::string payload = value->SerializeAsString();  // the value alone: provenance is the entry's
  const uint64_t seq = log_->Stage(tier, key, &payload, &b->log, &b->batch);
  b->batch.Put(records, key, RecordRef(log_->origin(), tier, seq));
}

absl::Status Store::StageProject(const v1::Project& project, FacetMask writable, Batch* b,
                                        PutResult* result) {
  const std::string& id = project.public_().id();
  BIBIA_RETURN_IF_ERROR(CheckWritable(project, writable));
  BIBIA_RETURN_IF_ERROR(CheckOwned(id));
  v1::Project old;
  if (auto existing = GetProject(id); existing.ok()) {
    old = std::move(*existing);
  } else if (existing.status().code() != absl::StatusCode::kNotFound) {
    return existing.status();
  }
  result->created = !old.has_public_();

  v1::ProjectPublic public_facet = project.public_();
  // Compare without the update time, which only the node sets.
  v1::ProjectPublic old_public = old.public_();
  old_public.set_updated_unix_ms(0);
  public_facet.set_updated_unix_ms(0);
  v1::ProjectRestricted restricted = project.restricted();
  v1::ProjectExpert expert = project.expert();
  if (project.has_restricted()) restricted.set_id(id);
  if (project.has_expert()) {
    expert.set_id(id);
    // Artifact references with a manifest id, which commits of manifests
    // added (artifacts.cc), stay when an editor's file leaves them out.
    auto* refs = expert.mutable_artifacts();
    for (const v1::ArtifactRef& r : old.expert().artifacts()) {
      if (r.manifest_id().empty()) continue;
      const bool listed = std::any_of(refs->begin(), refs->end(),
                                      [&](const v1::ArtifactRef& n) { return n.manifest_id() == r.manifest_id(); });
      if (!listed) *refs->Add() = r;
    }
  }

  // Facets outside `writable` stay as stored, and do not count as changes:
  // `changed` tells a writer nothing of the facets it may not read.
  using google::protobuf::util::MessageDifferencer;
  const bool public_changed = result->created || !MessageDifferencer::Equals(old_public, public_facet);
  const bool restricted_changed = (writable & kRestrictedFacet) != 0 &&
                                  (old.has_restricted() != project.has_restricted() ||
                                   !MessageDifferencer::Equals(old.restricted(), restricted));
  const bool expert_changed = (writable & kExpertFacet) != 0 &&
                              (old.has_expert() != project.has_expert() ||
                               !MessageDifferencer::Equals(old.expert(), expert));
  result->changed = public_changed || restricted_changed || expert_changed;

  if (public_changed) {
    public_facet.set_updated_unix_ms(options_.clock->NowMillis());
    v1::StoredRecord record;
    *record.mutable_public_() = public_facet;
    // The project's claim of its id: made when it is created, kept after
    // (receivers reject a claim later than its entry, or one that changed).
    if (result->created) {
      record.set_claimed_hlc(log_->TakeHlc(&b->log));
    } else {
      BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> stored,
                             ReadRecord(*db_, RecordKey(RecordKind::kPublic, id)));
      if (stored) record.set_claimed_hlc(stored->claimed_hlc());
    }
    StageRecord(v1::TIER_PUBLIC, RecordKey(RecordKind::kPublic, id), &record, b);
    index_->StageUpsert(result->created ? nullptr : &old.public_(), public_facet, &b->index);
  }
  // A facet another member wrote under this node's project id (never shown
  // with it) is held aside, not overwritten: should that member own the
  // project one day (this node deleting it), the facet is still its.
  if (restricted_changed && project.has_restricted() && !old.has_restricted()) {
    BIBIA_RETURN_IF_ERROR(HoldOtherMembersFacetAside(RecordKind::kRestricted, id, b));
  }
  if (expert_changed && project.has_expert() && !old.has_expert()) {
    BIBIA_RETURN_IF_ERROR(HoldOtherMembersFacetAside(RecordKind::kExpert, id, b));
  }
  if (restricted_changed) {
    v1::StoredRecord record;
    *record.mutable_restricted() = restricted;
    StageRecord(v1::TIER_RESTRICTED, RecordKey(RecordKind::kRestricted, id),
                project.has_restricted() ? &record : nullptr, b);
  }
  if (expert_changed) {
    v1::StoredRecord record;
    *record.mutable_expert() = expert;
    StageRecord(v1::TIER_EXPERT, RecordKey(RecordKind::kExpert, id), project.has_expert() ? &record : nullptr, b);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Feedback> Store::StageFeedback(const v1::Feedback& feedback, Batch* b) {
  v1::Feedback stored = feedback;
  // The seq its restricted-log entry is about to get makes a unique, stable id.
  stored.set_id(absl::StrCat(log_->origin(), "-r", b->log.heads[v1::TIER_RESTRICTED].seq + 1));
  stored.set_origin(log_->origin());
  stored.set_created_unix_ms(options_.clock->NowMillis());
  v1::StoredRecord record;
  *record.mutable_feedback() = stored;
  StageRecord(v1::TIER_RESTRICTED, FeedbackKey(stored.project_id(), stored.id()), &record, b);
  b->batch.Put(db_->family(Family::kRecords), FingerprintKeyOf(stored), stored.id());
  ++b->feedback_delta;
  return stored;
}

absl::Status Store::Commit(Batch* b) {
  if (b->batch.Count() == 0) return absl::OkStatus();
  log_->Finalize(&b->log, &b->batch);
  index_->Flush(&b->index, &b->batch);
  BIBIA_RETURN_IF_ERROR(db_->Write(&b->batch));
  index_->Apply(b->index);
  log_->Commit(b->log);
  feedback_count_ += b->feedback_delta;
  NotifyWrite();
  return absl::OkStatus();
}

absl::Status Store::CheckOwned(const std::string& id) const {
  const std::string key = RecordKey(RecordKind::kPublic, id);
  BIBIA_ASSIGN_OR_RETURN(auto ref, db_->Get(Family::kRecords, key));
  if (!ref) return absl::OkStatus();
  BIBIA_ASSIGN_OR_RETURN(std::string_view origin, RefOrigin(*ref, key));
  if (origin != node_id_) {
    return absl::FailedPreconditionError(absl::StrCat("project '", id, "' belongs to node '", std::string(origin),
                                                      "': only that node's editors change it"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Store::PutResult> Store::PutProject(const v1::Project& project, FacetMask writable) {
  BIBIA_RETURN_IF_ERROR(ValidateProject(project));
  absl::MutexLock lock(&write_mu_);
  Batch b;
  b.log = log_->Begin();
  PutResult result;
  BIBIA_RETURN_IF_ERROR(StageProject(project, writable, &b, &result));
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  return result;
}

absl::Status Store::DeleteProject(const std::string& id, bool* withdrew_claim) {
  if (withdrew_claim != nullptr) *withdrew_claim = false;
  BIBIA_RETURN_IF_ERROR(CheckId("id", id));
  absl::MutexLock lock(&write_mu_);
  BIBIA_ASSIGN_OR_RETURN(v1::Project old, GetProject(id));
  if (absl::Status owned = CheckOwned(id); !owned.ok()) {
    // Another member's earlier claim owns the id here: this node's own
    // claim, held aside, is what it can delete.
    BIBIA_ASSIGN_OR_RETURN(const bool withdrawn, WithdrawOwnClaim(id));
    if (withdrawn && withdrew_claim != nullptr) *withdrew_claim = true;
    return withdrawn ? absl::OkStatus() : owned;
  }
  // Staged as a replica stages the deletion, so that a later claim of the
  // id another member made, held aside here, takes the project's place
  // here as it does on every replica.
  RemoteGroup group;
  Batch& b = group.batch;
  b.log = log_->Begin();
  const auto deleted = [&](RecordKind kind) {
    const std::string& key = group.keys.emplace_back(RecordKey(kind, id));
    group.staged[absl::string_view(key.data(), key.size())] = nullptr;
    StageRecord(TierOfRecordKind(static_cast<char>(kind)), key, nullptr, &b);
  };
  deleted(RecordKind::kPublic);
  if (old.has_restricted()) deleted(RecordKind::kRestricted);
  if (old.has_expert()) deleted(RecordKind::kExpert);
  BIBIA_ASSIGN_OR_RETURN(const v1::StoredRecord* heir, receiver_->PromoteEarliestClaim(id, &group));
  if (heir != nullptr) {
    index_->StageUpsert(&old.public_(), heir->public_(), &b.index);
  } else {
    index_->StageDelete(old.public_(), &b.index);
  }
  // Other members' feedback on it goes too, each deleted by its own node
  // when it applies this deletion (ReplicaReceiver::Context::committed).
  BIBIA_RETURN_IF_ERROR(StageOwnFeedbackDeletion(id, &b));
  // Its artifacts go with it: tombstones in the same write, their chunks
  // collected at the next collection (the node's timer) on every node.
  BIBIA_ASSIGN_OR_RETURN(std::vector<v1::StoredRecord> manifests, ListManifests(id));
  std::erase_if(manifests, [&](const v1::StoredRecord& m) { return m.origin() != node_id_; });
  for (const v1::StoredRecord& m : manifests) {
    StageRecord(v1::TIER_EXPERT, ArtifactKey(id, m.artifact().name(), m.artifact().version()), nullptr, &b);
  }
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  if (manifests.empty()) return absl::OkStatus();
  ++manifest_generation_;
  for (const v1::StoredRecord& m : manifests) BIBIA_RETURN_IF_ERROR(ReleaseChunksOf(m.artifact()));
  return absl::OkStatus();
}

absl::StatusOr<v1::Feedback> Store::AddFeedback(const v1::Feedback& feedback) {
  BIBIA_RETURN_IF_ERROR(ValidateFeedback(feedback));
  absl::MutexLock lock(&write_mu_);
  BIBIA_ASSIGN_OR_RETURN(auto project, ReadPublic(feedback.project_id()));
  if (!project) return NotFound("feedback.project_id", feedback.project_id());
  Batch b;
  b.log = log_->Begin();
  BIBIA_ASSIGN_OR_RETURN(v1::Feedback stored, StageFeedback(feedback, &b));
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  return stored;
}

absl::StatusOr<v1::ImportResponse> Store::Import(const std::vector<v1::Project>& projects,
                                                        const std::vector<v1::Feedback>& feedback,
                                                        FacetMask writable) {
  if (projects.size() > kMaxImportProjects) {
    return absl::InvalidArgumentError(
        absl::StrCat("import: ", projects.size(), " projects, at most ", kMaxImportProjects, " per import"));
  }
  if (feedback.size() > kMaxImportFeedback) {
    return absl::InvalidArgumentError(
        absl::StrCat("import: ", feedback.size(), " feedback, at most ", kMaxImportFeedback, " per import"));
  }
  // Validate everything before staging anything, so errors cite the input.
  absl::flat_hash_map<std::string, size_t> position_of;
  for (size_t i = 0; i < projects.size(); ++i) {
    const std::string& id = projects[i].public_().id();
    absl::Status s = ValidateProject(projects[i]);
    if (s.ok()) s = CheckWritable(projects[i], writable);
    if (!s.ok()) return absl::Status(s.code(), WithRecordPrefix(s, i + 1, id));
    auto [it, inserted] = position_of.emplace(id, i + 1);
    if (!inserted) {
      return absl::InvalidArgumentError(
          WithRecordPrefix(absl::InvalidArgumentError(absl::StrCat("public.id: duplicate of record ", it->second)),
                           i + 1, id));
    }
  }
  absl::MutexLock lock(&write_mu_);
  for (size_t i = 0; i < feedback.size(); ++i) {
    absl::Status s = ValidateFeedback(feedback[i]);
    if (s.ok() && !position_of.contains(feedback[i].project_id())) {
      BIBIA_ASSIGN_OR_RETURN(auto existing, ReadPublic(feedback[i].project_id()));
      if (!existing) s = NotFound("feedback.project_id", feedback[i].project_id());
    }
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("feedback ", i + 1, " (project ", feedback[i].project_id(),
                                                 "): ", s.message()));
    }
  }

  Batch b;
  b.log = log_->Begin();
  v1::ImportResponse response;
  for (const v1::Project& project : projects) {
    PutResult result;
    BIBIA_RETURN_IF_ERROR(StageProject(project, writable, &b, &result));
    response.set_imported(response.imported() + 1);
    if (result.created) response.set_created(response.created() + 1);
  }
  // One lookup a feedback, whatever the project already holds: its
  // fingerprint row, or the same feedback earlier in this import.
  absl::flat_hash_set<std::string> staged;
  for (const v1::Feedback& f : feedback) {
    std::string fingerprint = FingerprintKeyOf(f);
    if (staged.contains(fingerprint)) continue;
    BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> stored, db_->Get(Family::kRecords, fingerprint));
    if (stored) continue;
    staged.insert(std::move(fingerprint));
    BIBIA_RETURN_IF_ERROR(StageFeedback(f, &b).status());
    response.set_feedback(response.feedback() + 1);
  }
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  return response;
}

absl::StatusOr<v1::Project> Store::GetProject(const std::string& id) const {
  BIBIA_RETURN_IF_ERROR(CheckId("id", id));
  v1::Project project;
  std::string owner;
  for (RecordKind kind : {RecordKind::kPublic, RecordKind::kRestricted, RecordKind::kExpert}) {
    BIBIA_ASSIGN_OR_RETURN(auto stored, ReadRecord(*db_, RecordKey(kind, id)));
    if (!stored) continue;
    v1::StoredRecord& record = *stored;
    // Fields this build does not know (a newer member's, replicated as
    // written: signed and hashed, they cannot be stripped from the log) are
    // not served to clients, which only know this build's schema.
    record.DiscardUnknownFields();
    if (kind == RecordKind::kPublic) {
      owner = record.origin();
    } else if (record.origin() != owner) {
      // A facet another member wrote under this project's id: never shown
      // with it (the owner's own facet replaces it when it arrives).
      continue;
    }
    switch (kind) {
      case RecordKind::kPublic: *project.mutable_public_() = std::move(*record.mutable_public_()); break;
      case RecordKind::kRestricted: *project.mutable_restricted() = std::move(*record.mutable_restricted()); break;
      case RecordKind::kExpert: *project.mutable_expert() = std::move(*record.mutable_expert()); break;
      case RecordKind::kFeedback:
      case RecordKind::kRevocation:
      case RecordKind::kArtifact:
      case RecordKind::kPublicAside:
      case RecordKind::kRestrictedAside:
      case RecordKind::kExpertAside: break;
    }
  }
  if (!project.has_public_()) return NotFound("id", id);
  return project;
}

absl::StatusOr<std::vector<v1::Feedback>> Store::ListFeedback(const std::string& project_id) const {
  BIBIA_RETURN_IF_ERROR(CheckId("project_id", project_id));
  std::vector<v1::Feedback> feedback;
  const std::string prefix = FeedbackPrefix(project_id);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    BIBIA_ASSIGN_OR_RETURN(auto record, ReadRecord(*db_, std::string_view(it->key().data(), it->key().size())));
    if (!record) continue;  // deleted since listed
    record->DiscardUnknownFields();  // see GetProject
    feedback.push_back(std::move(*record->mutable_feedback()));
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "list feedback"));
  std::stable_sort(feedback.begin(), feedback.end(), [](const v1::Feedback& a, const v1::Feedback& b) {
    return FeedbackOrder::Of(a) < FeedbackOrder::Of(b);
  });
  return feedback;
}

absl::StatusOr<v1::ListFeedbackResponse> Store::ListFeedback(const v1::ListFeedbackRequest& request) const {
  const int page_size = request.page_size() == 0 ? kDefaultFeedbackPageSize : request.page_size();
  if (page_size < 0 || page_size > kMaxFeedbackPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 1 and ", kMaxFeedbackPageSize));
  }
  BIBIA_RETURN_IF_ERROR(CheckId("project_id", request.project_id()));
  std::optional<FeedbackOrder> after;
  if (!request.page_token().empty()) {
    after = FeedbackOrder::Decode(request.page_token());
    if (!after) return MalformedPageToken();
  }
  // Only the place of every item is held, not the item: a page reads its
  // own items again, so a project with much feedback costs a page little memory.
  std::vector<std::pair<FeedbackOrder, std::string>> keys;  // order, record key
  const std::string prefix = FeedbackPrefix(request.project_id());
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string key = it->key().ToString();
    BIBIA_ASSIGN_OR_RETURN(auto record, ReadRecord(*db_, key));
    if (!record) continue;  // deleted since listed
    FeedbackOrder order = FeedbackOrder::Of(record->feedback());
    if (after && !(*after < order)) continue;
    keys.emplace_back(std::move(order), std::move(key));
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "list feedback"));
  std::sort(keys.begin(), keys.end());
  v1::ListFeedbackResponse response;
  size_t bytes = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (response.feedback_size() == page_size) {
      response.set_next_page_token(keys[i - 1].first.Encode());
      break;
    }
    BIBIA_ASSIGN_OR_RETURN(auto record, ReadRecord(*db_, keys[i].second));
    if (!record) continue;  // deleted since listed
    record->DiscardUnknownFields();
    const size_t size = record->feedback().ByteSizeLong();
    if (response.feedback_size() > 0 && bytes + size > kMaxResponseBytes) {
      response.set_next_page_token(keys[i - 1].first.Encode());
      break;
    }
    bytes += size;
    *response.add_feedback() = std::move(*record->mutable_feedback());
  }
  return response;
}

absl::StatusOr<v1::ListProjectsResponse> Store::ListProjects(const v1::ListProjectsRequest& request) const {
  int page_size = request.page_size() == 0 ? kDefaultListPageSize : request.page_size();
  if (page_size < 0 || page_size > kMaxListPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 1 and ", kMaxListPageSize));
  }
  if (!request.page_token().empty() && !IsValidProjectId(request.page_token())) return MalformedPageToken();
  bool more = false;
  std::vector<std::string> ids = index_->ListIds(request.filter(), request.page_token(), page_size, &more);
  v1::ListProjectsResponse response;
  size_t bytes = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    BIBIA_ASSIGN_OR_RETURN(auto project, ReadPublic(ids[i]));
    if (!project) continue;  // deleted since listed
    const size_t size = project->ByteSizeLong();
    if (response.projects_size() > 0 && bytes + size > kMaxResponseBytes) {
      // Full in bytes: the next page starts with this project.
      response.set_next_page_token(ids[i - 1]);
      return response;
    }
    bytes += size;
    *response.add_projects() = std::move(*project);
  }
  if (more && !ids.empty()) response.set_next_page_token(ids.back());
  return response;
}

absl::StatusOr<v1::SearchResponse> Store::Search(const v1::SearchRequest& request) const {
  std::vector<std::string> hit_tokens;
  BIBIA_ASSIGN_OR_RETURN(v1::SearchResponse response, index_->Search(request, &hit_tokens));
  size_t bytes = 0;
  for (int i = 0; i < response.hits_size(); ++i) {
    v1::SearchHit& hit = *response.mutable_hits(i);
    BIBIA_ASSIGN_OR_RETURN(auto project, ReadPublic(hit.project().id()));
    if (!project) continue;  // deleted since found: the hit keeps its id alone
    const size_t size = project->ByteSizeLong();
    if (i > 0 && bytes + size > kMaxResponseBytes) {
      // Full in bytes: the next page starts with this hit.
      response.mutable_hits()->DeleteSubrange(i, response.hits_size() - i);
      response.set_next_page_token(hit_tokens[i - 1]);
      break;
    }
    bytes += size;
    *hit.mutable_project() = std::move(*project);
  }
  return response;
}

absl::StatusOr<v1::StatsResponse> Store::Stats() const {
  v1::StatsResponse stats;
  stats.set_projects(index_->document_count());
  stats.set_feedback(feedback_count_.load());
  stats.set_collectivities(index_->collectivity_count());
  stats.set_node_id(node_id_);
  index_->CountFacets(&stats);
  return stats;
}

}  // namespace bibia::catalog
