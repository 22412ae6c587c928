// Pull-through of artifact chunks (docs/artifacts.md): a node that holds a
// replicated manifest but lacks some of its chunks fetches them from the
// manifest's origin, then from its other peers, and keeps them. Every chunk
// is re-hashed before it is stored: bytes that do not match their hash are
// refused and the chunk is asked of the next node.
#ifndef BIBIA_NODE_CHUNK_FETCHER_H_
#define BIBIA_NODE_CHUNK_FETCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bibia/v1/artifacts.pb.h"
#include "catalog/chunk_store.h"
#include "grpcpp/channel.h"

namespace bibia::node {

class ChunkFetcher {
 public:
  // Hands one streamed message of chunks on; an error stops the fetch.
  using Sink = std::function<absl::Status(v1::DownloadChunksResponse& message)>;
  // A node chunks can be fetched from: `fetch` asks it for `hashes` (at most
  // kMaxDownloadHashes) and hands every message it streams back to the sink,
  // until the stream ends (OK) or fails (its error, or the sink's).
  struct Source {
    std::string node_id;
    std::function<absl::Status(const std::vector<std::string>& hashes, absl::Time deadline, const Sink& sink)> fetch;
  };
  // The nodes to ask, in order, for chunks of a manifest of `origin`.
  using SourcesFor = std::function<std::vector<Source>(const std::string& origin)>;

  // `chunks` must outlive the fetcher.
  ChunkFetcher(catalog::ChunkStore* chunks, SourcesFor sources)
      : chunks_(chunks), sources_(std::move(sources)) {}

  struct Outcome {
    uint64_t fetched = 0;              // chunks stored
    uint64_t bytes = 0;                // their bytes
    uint64_t refused = 0;              // chunks whose bytes did not match their hash
    std::vector<std::string> missing;  // hashes no node gave
    std::string failures;              // "node: why" for each node that did not give all it was asked
  };
  // Fetches `hashes` (chunks this node lacks, named by a manifest of
  // `origin` it holds) from the sources for `origin`, each asked only for
  // what the ones before did not give, and stores each chunk whose bytes
  // match its hash. An error only when storing fails (RESOURCE_EXHAUSTED
  // past the chunk quota or the disk reserve); a chunk no node gave is in
  // Outcome::missing.
  absl::StatusOr<Outcome> Fetch(const std::string& origin, const std::vector<std::string>& hashes,
                                absl::Time deadline) const;

 private:
  catalog::ChunkStore* const chunks_;
  const SourcesFor sources_;
};

// A source that calls Federation.FetchChunks on `channel` (mutual TLS to the
// peer `node_id`).
ChunkFetcher::Source PeerChunkSource(std::string node_id, std::shared_ptr<grpc::Channel> channel);

}  // namespace bibia::node

#endif  // BIBIA_NODE_CHUNK_FETCHER_H_
