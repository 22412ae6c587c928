// gRPC adapter of the bibia.v1.Artifacts service (docs/artifacts.md): every
// call through the policy point (expert tier; pushes and deletions an expert
// editor of this node), then the CatalogStore's manifests and chunk store.
// A download of chunks of a replicated manifest that this node lacks fetches
// them from the federation first (pull-through, node/chunk_fetcher.h).
#ifndef BIBIA_NODE_ARTIFACTS_SERVICE_H_
#define BIBIA_NODE_ARTIFACTS_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"

#include "access/access_control.h"
#include "bibia/v1/artifacts_service.grpc.pb.h"
#include "catalog/store.h"
#include "node/chunk_fetcher.h"

namespace bibia::node {

// Requests are bounded: hashes per FindMissingChunks call, and bytes per
// upload message (chunks per download: node/chunk_stream.h).
inline constexpr int kMaxHashesPerCall = 16384;
inline constexpr size_t kMaxUploadMessageBytes = 8 << 20;

class ArtifactsService final : public v1::Artifacts::Service {
 public:
  // `store`, `access` and `fetcher` (null: no pull-through) must outlive the
  // service. Chunks nobody references are collected once older than
  // `chunk_grace_ms` (uploads not committed yet).
  ArtifactsService(catalog::Store* store, const access::AccessControl* access, const ChunkFetcher* fetcher,
                   int64_t chunk_grace_ms)
      : store_(store), access_(access), fetcher_(fetcher), chunk_grace_ms_(chunk_grace_ms) {}

  grpc::Status FindMissingChunks(grpc::ServerContext* context, const v1::FindMissingChunksRequest* request,
                                 v1::FindMissingChunksResponse* response) override;
  grpc::Status UploadChunks(grpc::ServerContext* context, grpc::ServerReader<v1::UploadChunksRequest>* reader,
                            v1::UploadChunksResponse* response) override;
  grpc::Status CommitManifest(grpc::ServerContext* context, const v1::CommitManifestRequest* request,
                              v1::CommitManifestResponse* response) override;
  grpc::Status GetManifest(grpc::ServerContext* context, const v1::GetManifestRequest* request,
                           v1::GetManifestResponse* response) override;
  grpc::Status DownloadChunks(grpc::ServerContext* context, const v1::DownloadChunksRequest* request,
                              grpc::ServerWriter<v1::DownloadChunksResponse>* writer) override;
  grpc::Status ListArtifacts(grpc::ServerContext* context, const v1::ListArtifactsRequest* request,
                             v1::ListArtifactsResponse* response) override;
  grpc::Status DeleteArtifact(grpc::ServerContext* context, const v1::DeleteArtifactRequest* request,
                              v1::DeleteArtifactResponse* response) override;

 private:
  // Fetches the chunks of `request` this node lacks from the federation, if
  // `request.ref` names a manifest held here of another origin that lists
  // them. NOT_FOUND if some are held nowhere it reached; INVALID_ARGUMENT
  // for a hash the manifest does not list.
  absl::Status FetchAbsentChunks(const v1::DownloadChunksRequest& request, grpc::ServerContext* context) const;
  // Every chunk `record`'s manifest lists, and the pieces of its chunk list,
  // fetching the pieces this node lacks.
  absl::StatusOr<absl::flat_hash_set<std::string>> ChunksListedBy(const v1::StoredRecord& record,
                                                                   absl::Time deadline) const;

  catalog::Store* const store_;
  const access::AccessControl* const access_;
  const ChunkFetcher* const fetcher_;
  const int64_t chunk_grace_ms_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_ARTIFACTS_SERVICE_H_
