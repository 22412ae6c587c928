// gRPC adapter of the bibia.v1.Artifacts service (docs/artifacts.md): every
// call through the policy point (expert tier; pushes and deletions an expert
// editor of this node), then the CatalogStore's manifests and chunk store.
#ifndef BIBIA_NODE_ARTIFACTS_SERVICE_H_
#define BIBIA_NODE_ARTIFACTS_SERVICE_H_

#include <cstdint>

#include "access/access_control.h"
#include "bibia/v1/artifacts_service.grpc.pb.h"
#include "catalog/store.h"

namespace bibia::node {

// Requests are bounded: hashes per FindMissingChunks / DownloadChunks call,
// and bytes per upload message.
inline constexpr int kMaxHashesPerCall = 16384;
inline constexpr int kMaxDownloadHashes = 4096;
inline constexpr size_t kMaxUploadMessageBytes = 8 << 20;
// A download stream packs chunks into messages of about this size.
inline constexpr size_t kDownloadMessageBytes = 1 << 20;

class ArtifactsService final : public v1::Artifacts::Service {
 public:
  // `store` and `access` must outlive the service. Chunks nobody references
  // are collected once older than `chunk_grace_ms` (uploads not committed yet).
  ArtifactsService(catalog::Store* store, const access::AccessControl* access, int64_t chunk_grace_ms)
      : store_(store), access_(access), chunk_grace_ms_(chunk_grace_ms) {}

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
  catalog::Store* const store_;
  const access::AccessControl* const access_;
  const int64_t chunk_grace_ms_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_ARTIFACTS_SERVICE_H_
