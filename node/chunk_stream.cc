#include "node/chunk_stream.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "node/log.h"

namespace bibia::node {

absl::Status CheckHashCount(int n, int max) {
  if (n <= max) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("sha256: ", n, " hashes in one call, at most ", max));
}

absl::Status StreamStoredChunks(const catalog::ChunkStore& chunks,
                                const google::protobuf::RepeatedPtrField<std::string>& hashes, AbsentChunk absent,
                                grpc::ServerContext* context,
                                grpc::ServerWriter<v1::DownloadChunksResponse>* writer) {
  const absl::Status gone = absl::CancelledError("download: the caller went away");
  v1::DownloadChunksResponse message;
  size_t bytes = 0;
  for (int i = 0; i < hashes.size(); ++i) {
    if (context->IsCancelled()) return gone;
    absl::StatusOr<std::optional<std::string>> chunk = chunks.Get(hashes[i], /*verify=*/false);
    if (absent == AbsentChunk::kSkip && !chunk.ok()) {
      Log(LogLevel::kWarning, "stored chunk unreadable, left out of a peer's fetch (run artifact verify)",
          {{"error", std::string(chunk.status().message())}});
      continue;
    }
    if (absent == AbsentChunk::kSkip && !chunk->has_value()) continue;
    if (!chunk.ok()) return chunk.status();
    if (!chunk->has_value()) {
      return absl::NotFoundError(absl::StrCat("download: chunk ", i + 1, " of the request is not stored on this node",
                                              " nor on a peer it could reach"));
    }
    v1::ChunkData* data = message.add_chunks();
    data->set_sha256(hashes[i]);
    bytes += (*chunk)->size();
    data->set_data(std::move(**chunk));
    if (bytes >= kDownloadMessageBytes) {
      if (!writer->Write(message)) return gone;
      message.clear_chunks();
      bytes = 0;
    }
  }
  if (message.chunks_size() > 0 && !writer->Write(message)) return gone;
  return absl::OkStatus();
}

}  // namespace bibia::node
