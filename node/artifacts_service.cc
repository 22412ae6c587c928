#include "node/artifacts_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "access/signing.h"
#include "catalog/status_macros.h"
#include "node/chunk_stream.h"
#include "node/log.h"
#include "node/request_guard.h"

namespace bibia::node {
namespace {

using access::Operation;

std::string RefId(const v1::ArtifactRefRequest& ref) {
  return absl::StrCat(ref.project_id(), "/", ref.name(), ref.version().empty() ? "" : "@", ref.version());
}

// The longest a download waits for chunks fetched from the federation.
constexpr absl::Duration kMaxFetch = absl::Minutes(10);

}  // namespace

grpc::Status ArtifactsService::FindMissingChunks(grpc::ServerContext* context,
                                                 const v1::FindMissingChunksRequest* request,
                                                 v1::FindMissingChunksResponse* response) {
  RequestGuard guard(*access_, context, Operation::kArtifactWrite);
  if (!guard.allowed()) return guard.Finish();
  if (absl::Status s = CheckHashCount(request->sha256_size(), kMaxHashesPerCall); !s.ok()) return guard.Finish(s);
  std::vector<std::string_view> hashes(request->sha256().begin(), request->sha256().end());
  absl::StatusOr<std::vector<bool>> has = store_->chunks()->Has(hashes);
  if (!has.ok()) return guard.Finish(has.status());
  for (size_t i = 0; i < has->size(); ++i) {
    if (!(*has)[i]) response->add_missing(request->sha256(static_cast<int>(i)));
  }
  return guard.Finish();
}

grpc::Status ArtifactsService::UploadChunks(grpc::ServerContext* context,
                                            grpc::ServerReader<v1::UploadChunksRequest>* reader,
                                            v1::UploadChunksResponse* response) {
  RequestGuard guard(*access_, context, Operation::kArtifactWrite);
  if (!guard.allowed()) return guard.Finish();
  v1::UploadChunksRequest message;
  // Each message is re-hashed and written on its own (unsynced); the stream
  // is made durable once at its end. What a broken stream wrote stays: the
  // chunks are valid, a rerun of the push need not send them again, and
  // collection removes them if no manifest ever references them.
  while (reader->Read(&message)) {
    if (message.ByteSizeLong() > kMaxUploadMessageBytes) {
      return guard.Finish(absl::InvalidArgumentError(
          absl::StrCat("upload: a message of ", message.ByteSizeLong(), " bytes, at most ", kMaxUploadMessageBytes)));
    }
    std::vector<std::pair<std::string_view, std::string_view>> chunks;
    chunks.reserve(message.chunks_size());
    for (const v1::ChunkData& chunk : message.chunks()) chunks.emplace_back(chunk.sha256(), chunk.data());
    absl::StatusOr<catalog::ChunkStore::PutResult> put = store_->chunks()->Put(chunks, /*sync=*/false);
    if (!put.ok()) {
      (void)store_->chunks()->Sync();
      return guard.Finish(put.status());
    }
    response->set_chunks_stored(response->chunks_stored() + put->stored);
    response->set_bytes_stored(response->bytes_stored() + put->bytes);
    response->set_chunks_present(response->chunks_present() + put->present);
  }
  return guard.Finish(store_->chunks()->Sync());
}

grpc::Status ArtifactsService::CommitManifest(grpc::ServerContext* context, const v1::CommitManifestRequest* request,
                                              v1::CommitManifestResponse* response) {
  RequestGuard guard(*access_, context, Operation::kArtifactWrite);
  guard.AddRecord(absl::StrCat(request->manifest().project_id(), "/", request->manifest().name()));
  if (!guard.allowed()) return guard.Finish();
  absl::StatusOr<catalog::Store::ManifestResult> result = store_->CommitManifest(request->manifest());
  if (result.ok()) {
    guard.AddRecord(result->id);
    *response->mutable_manifest() = std::move(result->manifest);
    response->set_id(result->id);
    response->set_unchanged(result->unchanged);
  }
  return guard.Finish(result.status());
}

grpc::Status ArtifactsService::GetManifest(grpc::ServerContext* context, const v1::GetManifestRequest* request,
                                           v1::GetManifestResponse* response) {
  RequestGuard guard(*access_, context, Operation::kArtifactRead);
  const v1::ArtifactRefRequest& ref = request->ref();
  guard.AddRecord(RefId(ref));
  if (!guard.allowed()) return guard.Finish();
  auto record = store_->GetManifest(ref.project_id(), ref.name(), ref.version());
  if (!record.ok()) return guard.Finish(record.status());
  if (!record->has_value()) {
    return guard.Finish(absl::NotFoundError(absl::StrCat("artifact ", RefId(ref), " not found on this node")));
  }
  v1::ArtifactManifest& manifest = *(*record)->mutable_artifact();
  const std::string id = catalog::ArtifactId(manifest);
  // Lineage the other way: the manifests held here that derive from this one.
  auto all = store_->ListManifests("");
  if (!all.ok()) return guard.Finish(all.status());
  for (const v1::StoredRecord& other : *all) {
    if (other.artifact().base() == id) {
      response->add_derived(catalog::ArtifactId(other.artifact()));
    }
  }
  response->set_id(id);
  response->set_origin((*record)->origin());
  *response->mutable_manifest() = std::move(manifest);
  return guard.Finish();
}

grpc::Status ArtifactsService::DownloadChunks(grpc::ServerContext* context, const v1::DownloadChunksRequest* request,
                                              grpc::ServerWriter<v1::DownloadChunksResponse>* writer) {
  RequestGuard guard(*access_, context, Operation::kArtifactRead);
  if (request->has_ref()) guard.AddRecord(RefId(request->ref()));
  if (!guard.allowed()) return guard.Finish();
  if (absl::Status s = CheckHashCount(request->sha256_size(), kMaxDownloadHashes); !s.ok()) return guard.Finish(s);
  if (fetcher_ != nullptr && request->has_ref()) {
    if (absl::Status fetched = FetchAbsentChunks(*request, context); !fetched.ok()) return guard.Finish(fetched);
  }
  return guard.Finish(StreamStoredChunks(*store_->chunks(), request->sha256(), AbsentChunk::kFail, context, writer));
}

absl::StatusOr<absl::flat_hash_set<std::string>> ArtifactsService::ChunksListedBy(
    const v1::StoredRecord& record, absl::Time deadline) const {
  const v1::ArtifactManifest& manifest = record.artifact();
  absl::flat_hash_set<std::string> listed;
  for (const v1::ChunkRef& ref : manifest.chunks()) listed.insert(ref.sha256());
  if (manifest.chunk_list_size() == 0) return listed;
  // A long list is in pieces, stored as chunks: fetch those first.
  std::vector<std::string> pieces;
  for (const v1::ChunkRef& piece : manifest.chunk_list()) pieces.push_back(piece.sha256());
  std::vector<std::string_view> views(pieces.begin(), pieces.end());
  BIBIA_ASSIGN_OR_RETURN(std::vector<bool> has, store_->chunks()->Has(views));
  std::vector<std::string> absent;
  for (size_t i = 0; i < has.size(); ++i) {
    if (!has[i]) absent.push_back(pieces[i]);
  }
  if (!absent.empty()) {
    BIBIA_ASSIGN_OR_RETURN(ChunkFetcher::Outcome outcome, fetcher_->Fetch(record.origin(), absent, deadline));
    if (!outcome.missing.empty()) {
      return absl::NotFoundError(absl::StrCat("download: pieces of the chunk list of artifact ",
                                              catalog::ArtifactId(manifest), " are stored neither on this node nor",
                                              " on a node it reached (", outcome.failures, ")"));
    }
  }
  listed.insert(pieces.begin(), pieces.end());
  BIBIA_ASSIGN_OR_RETURN(std::vector<v1::ChunkRef> refs, store_->ChunkListOf(manifest));
  for (const v1::ChunkRef& ref : refs) listed.insert(ref.sha256());
  return listed;
}

absl::Status ArtifactsService::FetchAbsentChunks(const v1::DownloadChunksRequest& request,
                                                 grpc::ServerContext* context) const {
  std::vector<std::string_view> hashes(request.sha256().begin(), request.sha256().end());
  BIBIA_ASSIGN_OR_RETURN(std::vector<bool> has, store_->chunks()->Has(hashes));
  std::vector<std::string> absent;
  for (size_t i = 0; i < has.size(); ++i) {
    if (!has[i]) absent.emplace_back(request.sha256(static_cast<int>(i)));
  }
  if (absent.empty()) return absl::OkStatus();
  const v1::ArtifactRefRequest& ref = request.ref();
  BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> record,
                         store_->GetManifest(ref.project_id(), ref.name(), ref.version()));
  if (!record) return absl::NotFoundError(absl::StrCat("ref: artifact ", RefId(ref), " is not held on this node"));
  // Its own artifact: nothing to fetch; the download names what is missing.
  if (record->origin() == access_->node_id()) return absl::OkStatus();
  const absl::Time deadline = std::min(absl::FromChrono(context->deadline()), absl::Now() + kMaxFetch);
  BIBIA_ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> listed, ChunksListedBy(*record, deadline));
  for (const std::string& hash : absent) {
    if (!listed.contains(hash)) {
      return absl::InvalidArgumentError(
          absl::StrCat("sha256: ", access::Hex(hash).substr(0, 16), "… is not a chunk of artifact ",
                       catalog::ArtifactId(record->artifact())));
    }
  }
  const absl::Time started = absl::Now();
  BIBIA_ASSIGN_OR_RETURN(ChunkFetcher::Outcome outcome, fetcher_->Fetch(record->origin(), absent, deadline));
  Log(outcome.missing.empty() ? LogLevel::kInfo : LogLevel::kWarning, "chunks fetched from the federation",
      {{"artifact", catalog::ArtifactId(record->artifact())},
       {"chunks", absl::StrCat(outcome.fetched)},
       {"bytes", absl::StrCat(outcome.bytes)},
       {"refused", absl::StrCat(outcome.refused)},
       {"missing", absl::StrCat(outcome.missing.size())},
       {"ms", absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - started))},
       {"failures", outcome.failures.empty() ? "-" : outcome.failures}});
  if (!outcome.missing.empty()) {
    return absl::NotFoundError(absl::StrCat("download: ", outcome.missing.size(), " of the chunks asked are stored ",
                                            "neither on this node nor on a node it reached (", outcome.failures,
                                            ")"));
  }
  return absl::OkStatus();
}

grpc::Status ArtifactsService::ListArtifacts(grpc::ServerContext* context, const v1::ListArtifactsRequest* request,
                                             v1::ListArtifactsResponse* response) {
  RequestGuard guard(*access_, context, Operation::kArtifactRead);
  if (!request->project_id().empty()) guard.AddRecord(request->project_id());
  if (!guard.allowed()) return guard.Finish();
  auto manifests = store_->ListManifests(request->project_id());
  if (!manifests.ok()) return guard.Finish(manifests.status());
  for (v1::StoredRecord& record : *manifests) {
    v1::ArtifactSummary* summary = response->add_artifacts();
    v1::ArtifactManifest& m = *record.mutable_artifact();
    summary->set_id(catalog::ArtifactId(m));
    summary->set_origin(record.origin());
    m.clear_chunks();
    m.clear_chunk_list();
    *summary->mutable_manifest() = std::move(m);
  }
  return guard.Finish();
}

grpc::Status ArtifactsService::DeleteArtifact(grpc::ServerContext* context, const v1::DeleteArtifactRequest* request,
                                              v1::DeleteArtifactResponse* response) {
  RequestGuard guard(*access_, context, Operation::kArtifactWrite);
  const v1::ArtifactRefRequest& ref = request->ref();
  guard.AddRecord(RefId(ref));
  if (!guard.allowed()) return guard.Finish();
  if (ref.version().empty()) {
    return guard.Finish(absl::InvalidArgumentError("ref.version: deleting needs the version (PROJECT/NAME@VERSION)"));
  }
  absl::StatusOr<uint64_t> collected =
      store_->DeleteManifest(ref.project_id(), ref.name(), ref.version(), chunk_grace_ms_);
  if (collected.ok()) response->set_chunks_collected(*collected);
  return guard.Finish(collected.status());
}

grpc::Status ArtifactsService::VerifyChunks(grpc::ServerContext* context, const v1::VerifyChunksRequest* request,
                                            v1::VerifyChunksResponse* response) {
  RequestGuard guard(*access_, context, Operation::kArtifactVerify);
  if (!guard.allowed()) return guard.Finish();
  absl::StatusOr<catalog::ChunkStore::VerifyPage> page =
      store_->chunks()->Verify(request->start_after(), kVerifyPageBytes, kMaxDamagedListed);
  if (!page.ok()) return guard.Finish(page.status());
  response->set_chunks_checked(page->checked);
  response->set_bytes_checked(page->bytes);
  response->set_chunks_damaged(page->damaged);
  for (auto& [hash, reason] : page->listed) {
    v1::DamagedChunk* damaged = response->add_damaged();
    damaged->set_sha256(std::move(hash));
    damaged->set_reason(std::move(reason));
  }
  response->set_next_start_after(std::move(page->next_start_after));
  return guard.Finish();
}

}  // namespace bibia::node
