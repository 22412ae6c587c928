// CatalogStore's artifact manifests (docs/artifacts.md): expert-tier records
// "A<project>/<name>@<version>" in their owner's log, and the collection of
// chunks no manifest references.
#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "catalog/records.h"
#include "catalog/status_macros.h"
#include "catalog/store_batch.h"
#include "catalog/validate.h"

namespace bibia::catalog {
namespace {

// A manifest lists at most this many chunks inline (about 38 bytes each);
// more go into chunk-list pieces, so that its log entry stays small.
constexpr int kMaxInlineChunks = 1000;
constexpr int kMaxChunkListPieces = 1000;
constexpr size_t kMaxManifestBytes = 60 << 10;
constexpr size_t kMaxCardText = 4096;
constexpr int kMaxMetrics = 64;

absl::string_view V(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsNameChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'; }

absl::Status CheckName(std::string_view field, std::string_view value, bool plus_ok) {
  const size_t max = 100;
  bool ok = !value.empty() && value.size() <= max && value[0] != '.' && value[0] != '-';
  for (char c : value) ok = ok && (IsNameChar(c) || (plus_ok && c == '+'));
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(V(field), ": '", V(value.substr(0, max)),
                                                 "' must be 1-100 letters, digits, '.', '_', '-'",
                                                 plus_ok ? ", '+'" : "", ", not starting with '.' or '-'"));
}

absl::Status CheckText(std::string_view field, std::string_view value, size_t max) {
  if (value.size() > max) return absl::InvalidArgumentError(absl::StrCat(V(field), ": more than ", max, " bytes"));
  return CheckUtf8(field, value);
}

absl::Status CheckChunkRefs(std::string_view field, const google::protobuf::RepeatedPtrField<v1::ChunkRef>& refs,
                            uint64_t* total) {
  for (int i = 0; i < refs.size(); ++i) {
    if (refs[i].sha256().size() != 32) {
      return absl::InvalidArgumentError(absl::StrCat(V(field), "[", i, "].sha256: not 32 bytes"));
    }
    if (refs[i].size() == 0 || refs[i].size() > kMaxStoredChunk) {
      return absl::InvalidArgumentError(absl::StrCat(V(field), "[", i, "].size: ", refs[i].size(), ", not 1 to ",
                                                     kMaxStoredChunk));
    }
    *total += refs[i].size();
  }
  return absl::OkStatus();
}

// "P/N@V" (a lineage base): INVALID_ARGUMENT unless well formed.
absl::Status CheckRef(std::string_view field, std::string_view ref) {
  const size_t slash = ref.find('/');
  const size_t at = ref.rfind('@');
  if (slash == std::string_view::npos || at == std::string_view::npos || at < slash) {
    return absl::InvalidArgumentError(absl::StrCat(V(field), ": '", V(ref.substr(0, 200)), "' is not PROJECT/NAME@VERSION"));
  }
  BIBIA_RETURN_IF_ERROR(CheckId(field, ref.substr(0, slash)));
  BIBIA_RETURN_IF_ERROR(CheckName(field, ref.substr(slash + 1, at - slash - 1), false));
  return CheckName(field, ref.substr(at + 1), true);
}

absl::Status ValidateManifest(const v1::ArtifactManifest& m) {
  BIBIA_RETURN_IF_ERROR(CheckId("manifest.project_id", m.project_id()));
  BIBIA_RETURN_IF_ERROR(CheckName("manifest.name", m.name(), false));
  if (!m.version().empty()) BIBIA_RETURN_IF_ERROR(CheckName("manifest.version", m.version(), true));
  if (m.kind() == v1::ARTIFACT_KIND_UNSPECIFIED || !v1::ArtifactKind_IsValid(m.kind())) {
    return absl::InvalidArgumentError("manifest.kind: one of model, dataset, notebook, source");
  }
  if (m.format() == v1::ARTIFACT_FORMAT_UNSPECIFIED || !v1::ArtifactFormat_IsValid(m.format())) {
    return absl::InvalidArgumentError("manifest.format: unset or unknown");
  }
  if (m.sha256().size() != 32) return absl::InvalidArgumentError("manifest.sha256: not 32 bytes");
  if (m.licence().empty()) return absl::InvalidArgumentError("manifest.licence: an SPDX identifier is required");
  for (char c : m.licence()) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && std::string_view(".-+() :").find(c) == std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("manifest.licence: '", m.licence().substr(0, 100),
                                                     "' is not an SPDX expression"));
    }
  }
  if (m.licence().size() > 200) return absl::InvalidArgumentError("manifest.licence: more than 200 bytes");
  if (!m.base().empty()) BIBIA_RETURN_IF_ERROR(CheckRef("manifest.base", m.base()));
  BIBIA_RETURN_IF_ERROR(CheckText("manifest.card.intended_use", m.card().intended_use(), kMaxCardText));
  BIBIA_RETURN_IF_ERROR(CheckText("manifest.card.limitations", m.card().limitations(), kMaxCardText));
  BIBIA_RETURN_IF_ERROR(CheckText("manifest.card.training_data", m.card().training_data(), kMaxCardText));
  if (m.card().metrics_size() > kMaxMetrics) {
    return absl::InvalidArgumentError(absl::StrCat("manifest.card.metrics: more than ", kMaxMetrics));
  }
  for (const v1::ArtifactMetric& metric : m.card().metrics()) {
    BIBIA_RETURN_IF_ERROR(CheckText("manifest.card.metrics.name", metric.name(), 100));
  }
  if (m.chunks_size() > kMaxInlineChunks) {
    return absl::InvalidArgumentError(absl::StrCat("manifest.chunks: more than ", kMaxInlineChunks,
                                                   " inline; list them in chunk_list pieces"));
  }
  if (m.chunk_list_size() > kMaxChunkListPieces) {
    return absl::InvalidArgumentError(absl::StrCat("manifest.chunk_list: more than ", kMaxChunkListPieces, " pieces"));
  }
  if (m.chunks_size() > 0 && m.chunk_list_size() > 0) {
    return absl::InvalidArgumentError("manifest: chunks and chunk_list both set; one only");
  }
  uint64_t total = 0;
  BIBIA_RETURN_IF_ERROR(CheckChunkRefs("manifest.chunks", m.chunks(), &total));
  if (m.chunks_size() > 0 && total != m.size_bytes()) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest.size_bytes: ", m.size_bytes(), ", its chunks hold ", total));
  }
  if (m.chunks_size() > 0 && m.chunk_count() != static_cast<uint64_t>(m.chunks_size())) {
    return absl::InvalidArgumentError("manifest.chunk_count: not the number of its chunks");
  }
  uint64_t list_bytes = 0;
  BIBIA_RETURN_IF_ERROR(CheckChunkRefs("manifest.chunk_list", m.chunk_list(), &list_bytes));
  if (m.size_bytes() > 0 && m.chunks_size() == 0 && m.chunk_list_size() == 0) {
    return absl::InvalidArgumentError("manifest: a non-empty file needs chunks or chunk_list");
  }
  if (m.ByteSizeLong() > kMaxManifestBytes) {
    return absl::InvalidArgumentError(absl::StrCat("manifest: ", m.ByteSizeLong(), " bytes, at most ",
                                                   kMaxManifestBytes, " (shorten the card)"));
  }
  return absl::OkStatus();
}

std::string EnumWord(const std::string& name, std::string_view prefix) {
  return absl::AsciiStrToLower(name.substr(std::min(name.size(), prefix.size())));
}

}  // namespace

std::string ArtifactId(const v1::ArtifactManifest& m) {
  return absl::StrCat(m.project_id(), "/", m.name(), "@", m.version());
}

absl::StatusOr<std::vector<v1::ChunkRef>> Store::ChunkListOf(const v1::ArtifactManifest& manifest) const {
  std::vector<v1::ChunkRef> refs(manifest.chunks().begin(), manifest.chunks().end());
  if (manifest.chunk_list_size() == 0) return refs;
  std::string serialized;
  for (const v1::ChunkRef& piece : manifest.chunk_list()) {
    BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> bytes, chunks_->Get(piece.sha256()));
    if (!bytes) {
      return absl::FailedPreconditionError(absl::StrCat("artifact ", ArtifactId(manifest),
                                                        ": a piece of its chunk list is not stored"));
    }
    serialized += *bytes;
  }
  v1::ChunkList list;
  if (!list.ParseFromString(serialized)) {
    return absl::DataLossError(absl::StrCat("artifact ", ArtifactId(manifest), ": its chunk list does not parse"));
  }
  refs.assign(list.chunks().begin(), list.chunks().end());
  return refs;
}

absl::Status Store::StageArtifactRef(const std::string& project_id, const std::string& id,
                                            const v1::ArtifactRef* ref, Batch* b) {
  BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> stored,
                         ReadRecord(*db_, RecordKey(RecordKind::kExpert, project_id)));
  v1::StoredRecord record;
  if (stored) {
    *record.mutable_expert() = std::move(*stored->mutable_expert());
  } else {
    if (ref == nullptr) return absl::OkStatus();
    BIBIA_RETURN_IF_ERROR(HoldOtherMembersFacetAside(RecordKind::kExpert, project_id, b));
    record.mutable_expert()->set_id(project_id);
  }
  auto* refs = record.mutable_expert()->mutable_artifacts();
  refs->erase(std::remove_if(refs->begin(), refs->end(),
                             [&](const v1::ArtifactRef& r) { return r.manifest_id() == id; }),
              refs->end());
  if (ref != nullptr) *refs->Add() = *ref;
  StageRecord(v1::TIER_EXPERT, RecordKey(RecordKind::kExpert, project_id), &record, b);
  return absl::OkStatus();
}

absl::StatusOr<Store::ManifestResult> Store::CommitManifest(v1::ArtifactManifest manifest) {
  manifest.set_created_unix_ms(0);
  BIBIA_RETURN_IF_ERROR(ValidateManifest(manifest));
  // The chunk list and its chunks must be stored: read outside the lock
  // (collection, under it, keeps chunks that a commit meanwhile references
  // only if they are recent: uploads are).
  BIBIA_ASSIGN_OR_RETURN(std::vector<v1::ChunkRef> refs, ChunkListOf(manifest));
  uint64_t total = 0;
  for (const v1::ChunkRef& ref : refs) total += ref.size();
  if (total != manifest.size_bytes() || refs.size() != manifest.chunk_count()) {
    return absl::InvalidArgumentError(absl::StrCat("manifest.size_bytes: ", manifest.size_bytes(), " bytes in ",
                                                   manifest.chunk_count(), " chunks, its chunk list holds ", total,
                                                   " in ", refs.size()));
  }
  for (size_t start = 0; start < refs.size(); start += 4096) {
    std::vector<std::string_view> hashes;
    for (size_t i = start; i < refs.size() && i < start + 4096; ++i) hashes.push_back(refs[i].sha256());
    BIBIA_ASSIGN_OR_RETURN(std::vector<bool> has, chunks_->Has(hashes));
    for (size_t i = 0; i < has.size(); ++i) {
      if (!has[i]) {
        return absl::FailedPreconditionError(absl::StrCat("manifest: chunk ", start + i + 1, " of ", refs.size(),
                                                          " is not stored on this node; upload it first"));
      }
    }
  }

  // Chunks are written without the WAL: durable before a manifest names them
  // (a no-op unless an upload is still streaming).
  BIBIA_RETURN_IF_ERROR(chunks_->Sync());
  absl::MutexLock lock(&write_mu_);
  const std::string& project_id = manifest.project_id();
  BIBIA_ASSIGN_OR_RETURN(auto project, ReadPublic(project_id));
  if (!project) {
    return absl::NotFoundError(absl::StrCat("manifest.project_id: project '", project_id, "' not found"));
  }
  BIBIA_RETURN_IF_ERROR(CheckOwned(project_id));
  if (manifest.version().empty()) {
    // The next integer after the name's numeric versions.
    uint64_t highest = 0;
    const std::string prefix = ArtifactPrefix(project_id, manifest.name());
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      uint64_t v = 0;
      if (absl::SimpleAtoi(absl::string_view(it->key().data() + prefix.size(), it->key().size() - prefix.size()), &v)) {
        highest = std::max(highest, v);
      }
    }
    BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read manifests"));
    manifest.set_version(std::to_string(highest + 1));
  }
  ManifestResult result;
  result.id = ArtifactId(manifest);
  const std::string key = ArtifactKey(project_id, manifest.name(), manifest.version());
  BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> existing, ReadRecord(*db_, key));
  if (existing) {
    v1::ArtifactManifest stored = existing->artifact();
    const int64_t created = stored.created_unix_ms();
    stored.set_created_unix_ms(0);
    if (stored.SerializeAsString() == manifest.SerializeAsString()) {
      stored.set_created_unix_ms(created);
      result.manifest = std::move(stored);
      result.unchanged = true;
      return result;
    }
    return absl::FailedPreconditionError(absl::StrCat("artifact ", result.id,
                                                      " already exists with other content: versions are immutable;"
                                                      " push a new version"));
  }
  manifest.set_created_unix_ms(options_.clock->NowMillis());
  Batch b;
  b.log = log_->Begin();
  v1::StoredRecord record;
  *record.mutable_artifact() = manifest;
  StageRecord(v1::TIER_EXPERT, key, &record, &b);
  v1::ArtifactRef ref;
  ref.set_name(manifest.name());
  ref.set_kind(EnumWord(v1::ArtifactKind_Name(manifest.kind()), "ARTIFACT_KIND_"));
  ref.set_format(EnumWord(v1::ArtifactFormat_Name(manifest.format()), "ARTIFACT_FORMAT_"));
  ref.set_size_bytes(static_cast<int64_t>(manifest.size_bytes()));
  ref.set_manifest_id(result.id);
  BIBIA_RETURN_IF_ERROR(StageArtifactRef(project_id, result.id, &ref, &b));
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  ++manifest_generation_;
  result.manifest = std::move(manifest);
  return result;
}

absl::StatusOr<std::optional<v1::StoredRecord>> Store::GetManifest(std::string_view project_id,
                                                                          std::string_view name,
                                                                          std::string_view version) const {
  if (!version.empty()) return ReadRecord(*db_, ArtifactKey(project_id, name, version));
  std::optional<v1::StoredRecord> latest;
  const std::string prefix = ArtifactPrefix(project_id, name);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> record,
                           ReadRecord(*db_, std::string_view(it->key().data(), it->key().size())));
    if (record && (!latest || record->artifact().created_unix_ms() >= latest->artifact().created_unix_ms())) {
      latest = std::move(record);
    }
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read manifests"));
  return latest;
}

absl::StatusOr<std::vector<v1::StoredRecord>> Store::ListManifests(std::string_view project_id) const {
  std::vector<v1::StoredRecord> manifests;
  const std::string prefix = ArtifactPrefix(project_id);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> record,
                           ReadRecord(*db_, std::string_view(it->key().data(), it->key().size())));
    if (record && record->has_artifact()) manifests.push_back(std::move(*record));
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read manifests"));
  return manifests;
}

absl::StatusOr<uint64_t> Store::DeleteManifest(std::string_view project_id, std::string_view name,
                                                      std::string_view version, int64_t grace_ms) {
  BIBIA_RETURN_IF_ERROR(CheckId("project_id", project_id));
  BIBIA_RETURN_IF_ERROR(CheckName("name", name, false));
  BIBIA_RETURN_IF_ERROR(CheckName("version", version, true));
  {
    absl::MutexLock lock(&write_mu_);
    const std::string key = ArtifactKey(project_id, name, version);
    BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> existing, ReadRecord(*db_, key));
    const std::string id = absl::StrCat(V(project_id), "/", V(name), "@", V(version));
    if (!existing) return absl::NotFoundError(absl::StrCat("artifact ", id, " not found"));
    if (existing->origin() != node_id_) {
      return absl::FailedPreconditionError(absl::StrCat("artifact ", id, " belongs to node '", existing->origin(),
                                                        "': only that node's editors delete it"));
    }
    Batch b;
    b.log = log_->Begin();
    StageRecord(v1::TIER_EXPERT, key, nullptr, &b);
    BIBIA_RETURN_IF_ERROR(StageArtifactRef(std::string(project_id), id, nullptr, &b));
    BIBIA_RETURN_IF_ERROR(Commit(&b));
    ++manifest_generation_;
    // Its chunks wait for no commit: collected now unless another manifest
    // references them, or a push offered them since this one was committed.
    BIBIA_RETURN_IF_ERROR(ReleaseChunksOf(existing->artifact()));
  }
  return CollectChunks(grace_ms);
}

absl::Status Store::ReleaseChunksOf(const v1::ArtifactManifest& manifest) {
  std::vector<std::string> hashes;
  for (const v1::ChunkRef& piece : manifest.chunk_list()) hashes.push_back(piece.sha256());
  absl::StatusOr<std::vector<v1::ChunkRef>> refs = ChunkListOf(manifest);
  if (refs.ok()) {
    for (const v1::ChunkRef& ref : *refs) hashes.push_back(ref.sha256());
  }
  std::vector<std::string_view> views(hashes.begin(), hashes.end());
  return chunks_->ReleaseGrace(views, manifest.created_unix_ms() + 1);
}

absl::StatusOr<absl::flat_hash_set<std::string>> Store::ReferencedChunks() const {
  absl::flat_hash_set<std::string> referenced;
  BIBIA_ASSIGN_OR_RETURN(std::vector<v1::StoredRecord> manifests, ListManifests(""));
  for (const v1::StoredRecord& record : manifests) {
    const v1::ArtifactManifest& m = record.artifact();
    for (const v1::ChunkRef& piece : m.chunk_list()) referenced.insert(piece.sha256());
    absl::StatusOr<std::vector<v1::ChunkRef>> refs = ChunkListOf(m);
    // A manifest whose list this node lacks (replicated, chunks not fetched)
    // references nothing here yet.
    if (!refs.ok()) continue;
    for (const v1::ChunkRef& ref : *refs) referenced.insert(ref.sha256());
  }
  return referenced;
}

absl::StatusOr<uint64_t> Store::CollectChunks(int64_t grace_ms) {
  uint64_t collected = 0;
  {
    // Under the writer lock: no manifest is committed (here or by a
    // replicated run) between the scan of the references and the deletion.
    absl::MutexLock lock(&write_mu_);
    const uint64_t generation = manifest_generation_.load();
    BIBIA_ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> referenced, ReferencedChunks());
    BIBIA_ASSIGN_OR_RETURN(collected, chunks_->Collect(referenced, options_.clock->NowMillis() - grace_ms));
    collected_generation_ = generation;
  }
  // A deleted chunk's bytes stay in the blob files until they are rewritten:
  // a compaction of the chunks family alone, while writes go on.
  if (collected > 0) BIBIA_RETURN_IF_ERROR(chunks_->EraseDeleted());
  return collected;
}

absl::StatusOr<std::optional<uint64_t>> Store::CollectChunksIfDue(int64_t grace_ms) {
  const bool references_changed = manifest_generation_.load() != collected_generation_.load();
  const bool grace_over = chunks_->unreferenced_since_ms() < options_.clock->NowMillis() - grace_ms;
  if (!references_changed && !grace_over) return std::nullopt;
  return CollectChunks(grace_ms);
}

}  // namespace bibia::catalog
