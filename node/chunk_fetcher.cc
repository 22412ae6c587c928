#include "node/chunk_fetcher.h"

#include <limits>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "catalog/status_macros.h"
#include "grpcpp/client_context.h"
#include "node/chunk_stream.h"
#include "node/grpc_status.h"

namespace bibia::node {
namespace {

using Wanted = absl::flat_hash_set<std::string>;

// Fetched chunks wait for no upload: a manifest held here lists them, and
// once none does (its deletion replicated here) they are collected at once.
absl::Status ReleaseFetched(catalog::ChunkStore& chunks,
                            absl::Span<const std::pair<std::string_view, std::string_view>> fetched) {
  std::vector<std::string_view> hashes;
  for (const auto& chunk : fetched) hashes.push_back(chunk.first);
  return chunks.ReleaseGrace(hashes, std::numeric_limits<int64_t>::max());
}

// Stores the chunks of `message` that are still wanted and match their
// hash; counts the others' refusals. An error only when storing fails.
absl::Status StoreWanted(catalog::ChunkStore& chunks, const v1::DownloadChunksResponse& message, Wanted& wanted,
                         ChunkFetcher::Outcome& outcome, uint64_t& refused) {
  std::vector<std::pair<std::string_view, std::string_view>> batch;
  for (const v1::ChunkData& chunk : message.chunks()) {
    if (wanted.contains(chunk.sha256())) batch.emplace_back(chunk.sha256(), chunk.data());
  }
  if (batch.empty()) return absl::OkStatus();
  const auto keep = [&](const std::pair<std::string_view, std::string_view>& chunk) {
    if (wanted.erase(absl::string_view(chunk.first.data(), chunk.first.size())) == 0) return;  // twice in the message
    ++outcome.fetched;
    outcome.bytes += chunk.second.size();
  };
  absl::StatusOr<catalog::ChunkStore::PutResult> put = chunks.Put(batch, /*sync=*/false);
  if (put.ok()) {
    for (const auto& chunk : batch) keep(chunk);
    return ReleaseFetched(chunks, batch);
  }
  if (put.status().code() != absl::StatusCode::kInvalidArgument) return put.status();
  // A chunk of the message does not match its hash: keep the others.
  for (const auto& chunk : batch) {
    put = chunks.Put({chunk}, /*sync=*/false);
    if (put.ok()) {
      keep(chunk);
      BIBIA_RETURN_IF_ERROR(ReleaseFetched(chunks, {chunk}));
    } else if (put.status().code() == absl::StatusCode::kInvalidArgument) {
      ++refused;
    } else {
      return put.status();
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> StillWanted(const std::vector<std::string>& hashes, const Wanted& wanted) {
  std::vector<std::string> left;
  Wanted listed;
  for (const std::string& h : hashes) {
    if (wanted.contains(h) && listed.insert(h).second) left.push_back(h);
  }
  return left;
}

}  // namespace

absl::StatusOr<ChunkFetcher::Outcome> ChunkFetcher::Fetch(const std::string& origin,
                                                          const std::vector<std::string>& hashes,
                                                          absl::Time deadline) const {
  Outcome outcome;
  Wanted wanted(hashes.begin(), hashes.end());
  for (const Source& source : sources_(origin)) {
    if (wanted.empty() || absl::Now() >= deadline) break;
    const std::vector<std::string> ask = StillWanted(hashes, wanted);
    uint64_t refused = 0;
    absl::Status storing;
    const Sink sink = [&](v1::DownloadChunksResponse& message) {
      storing = StoreWanted(*chunks_, message, wanted, outcome, refused);
      return storing;
    };
    absl::Status asked;
    for (size_t start = 0; start < ask.size() && asked.ok(); start += kMaxDownloadHashes) {
      const size_t end = std::min(ask.size(), start + kMaxDownloadHashes);
      asked = source.fetch(std::vector<std::string>(ask.begin() + start, ask.begin() + end), deadline, sink);
      if (!storing.ok()) return storing;
    }
    outcome.refused += refused;
    const size_t given = ask.size() - StillWanted(ask, wanted).size();
    std::string why;
    if (!asked.ok()) why = asked.ToString();
    if (refused > 0) absl::StrAppend(&why, why.empty() ? "" : "; ", refused, " chunk(s) did not match their hash");
    if (why.empty() && given < ask.size()) why = absl::StrCat("holds ", given, " of the ", ask.size(), " chunks asked");
    if (why.empty()) continue;
    absl::StrAppend(&outcome.failures, outcome.failures.empty() ? "" : "; ", source.node_id, ": ", why);
  }
  outcome.missing = StillWanted(hashes, wanted);
  return outcome;
}

ChunkFetcher::Source PeerChunkSource(std::string node_id, std::shared_ptr<grpc::Channel> channel) {
  ChunkFetcher::Source source;
  source.node_id = node_id;
  source.fetch = [node_id, channel](const std::vector<std::string>& hashes, absl::Time deadline,
                                    const ChunkFetcher::Sink& sink) -> absl::Status {
    auto stub = v1::Federation::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    v1::FetchChunksRequest request;
    for (const std::string& h : hashes) request.add_sha256(h);
    std::unique_ptr<grpc::ClientReader<v1::DownloadChunksResponse>> reader = stub->FetchChunks(&context, request);
    v1::DownloadChunksResponse message;
    while (reader->Read(&message)) {
      if (absl::Status s = sink(message); !s.ok()) {
        context.TryCancel();
        (void)reader->Finish();
        return s;
      }
    }
    return FromGrpcStatus(reader->Finish(), "fetch chunks");
  };
  return source;
}

}  // namespace bibia::node
