// Streams stored artifact chunks to a caller, in request order, packed into
// messages of about kDownloadMessageBytes: the body of Artifacts.DownloadChunks
// (for people) and Federation.FetchChunks (for peers).
#ifndef BIBIA_NODE_CHUNK_STREAM_H_
#define BIBIA_NODE_CHUNK_STREAM_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "bibia/v1/artifacts.pb.h"
#include "catalog/chunk_store.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/sync_stream.h"

namespace bibia::node {

// Most chunks one download (or peer fetch) call asks for.
inline constexpr int kMaxDownloadHashes = 4096;
// A stream packs chunks into messages of about this size.
inline constexpr size_t kDownloadMessageBytes = 1 << 20;

// INVALID_ARGUMENT "sha256: N hashes in one call, at most MAX" if n > max:
// the bound of every call that names chunks.
absl::Status CheckHashCount(int n, int max);

enum class AbsentChunk {
  kFail,  // NOT_FOUND naming the chunk's place in the request
  kSkip,  // left out (and so is a chunk whose stored bytes are damaged)
};

// Writes the chunks `hashes` of `chunks` to `writer`. Chunks are not
// re-hashed: the receiver checks every one, and RocksDB's blob checksum
// reports one damaged on disk (DATA_LOSS, or skipped with kSkip).
// CANCELLED once the caller has gone away.
absl::Status StreamStoredChunks(const catalog::ChunkStore& chunks,
                                const google::protobuf::RepeatedPtrField<std::string>& hashes, AbsentChunk absent,
                                grpc::ServerContext* context,
                                grpc::ServerWriter<v1::DownloadChunksResponse>* writer);

}  // namespace bibia::node

#endif  // BIBIA_NODE_CHUNK_STREAM_H_
