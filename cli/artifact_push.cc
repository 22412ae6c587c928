// bibia artifact push: chunk the file as a stream, send the node only the
// chunks it lacks, then commit the manifest (docs/artifacts.md).
#include <sys/stat.h>

#include <string>
#include <vector>

#include "access/signing.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bibia/v1/artifacts_service.grpc.pb.h"
#include "cli/artifact_util.h"
#include "cli/channel.h"
#include "cli/chunker.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/file_input.h"
#include "cli/json_io.h"
#include "cli/rpc_call.h"
#include "cli/text_format.h"
#include "cli/transfer_progress.h"

namespace bibia::cli {
namespace {

// Chunks are read ahead by windows: one FindMissingChunks call each.
constexpr size_t kWindowChunks = 256;
constexpr size_t kUploadMessageBytes = 4 << 20;
// Above this many chunks the manifest carries its chunk list as pieces
// (kListPieceChunks references each, about 80 KiB), not inline: its log
// entry stays small (1,000 pieces at most: files up to about 128 GiB).
constexpr size_t kMaxInlineChunks = 1000;
constexpr int kListPieceChunks = 2048;

struct Pending {
  std::string sha256;
  std::string data;
};

class Pusher {
 public:
  // `file_bytes` bounds the upload stream's deadline (one --timeout per 4 MiB).
  Pusher(const CommandContext& context, uint64_t file_bytes)
      : context_(context), stub_(context.channel), file_bytes_(file_bytes) {}

  // Sends the chunks of `window` the node lacks (and this push did not send)
  // on the push's one upload stream: the node writes them as they come and
  // makes them durable once, when the stream ends (Finish).
  absl::Status Send(std::vector<Pending>& window) {
    v1::FindMissingChunksRequest ask;
    for (const Pending& p : window) {
      if (!known_.contains(p.sha256)) ask.add_sha256(p.sha256);
    }
    absl::flat_hash_set<std::string> missing;
    if (ask.sha256_size() > 0) {
      absl::StatusOr<v1::FindMissingChunksResponse> answer =
          CallNode(context_, stub_, &v1::Artifacts::Stub::FindMissingChunks, ask);
      if (!answer.ok()) return answer.status();
      missing.insert(answer->missing().begin(), answer->missing().end());
    }
    for (Pending& p : window) {
      if (!missing.erase(p.sha256)) continue;  // present, or twice in the window
      if (writer_ == nullptr) {
        call_ = std::make_unique<grpc::ClientContext>();
        PrepareTransferCall(*call_, context_, file_bytes_);
        writer_ = stub_.UploadChunks(call_.get(), &response_);
      }
      summary_.set_chunks_sent(summary_.chunks_sent() + 1);
      summary_.set_bytes_sent(summary_.bytes_sent() + p.data.size());
      message_bytes_ += p.data.size();
      v1::ChunkData* chunk = message_.add_chunks();
      chunk->set_sha256(p.sha256);
      chunk->set_data(std::move(p.data));
      if (message_bytes_ >= kUploadMessageBytes && !Flush()) return Finish();
    }
    for (const Pending& p : window) known_.insert(p.sha256);
    window.clear();
    return absl::OkStatus();
  }

  // Ends the upload stream, if one was opened: the node's answer.
  absl::Status Finish() {
    if (writer_ == nullptr) return absl::OkStatus();
    if (message_.chunks_size() > 0) Flush();
    writer_->WritesDone();
    const grpc::Status status = writer_->Finish();
    writer_.reset();
    if (!status.ok()) return NodeError(status, context_.global());
    return absl::OkStatus();
  }

  v1::ArtifactTransferSummary& summary() { return summary_; }

 private:
  // Writes the message being filled; false if the stream broke.
  bool Flush() {
    const bool ok = writer_->Write(message_);
    message_.clear_chunks();
    message_bytes_ = 0;
    return ok;
  }

  const CommandContext& context_;
  v1::Artifacts::Stub stub_;
  const uint64_t file_bytes_;
  std::unique_ptr<grpc::ClientContext> call_;
  v1::UploadChunksResponse response_;
  std::unique_ptr<grpc::ClientWriter<v1::UploadChunksRequest>> writer_;
  v1::UploadChunksRequest message_;
  size_t message_bytes_ = 0;
  absl::flat_hash_set<std::string> known_;  // on the node: present or sent
  v1::ArtifactTransferSummary summary_;
};

}  // namespace

absl::StatusOr<std::string> RunArtifactPush(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  const std::string& path = invocation.positionals[1];
  v1::ArtifactManifest manifest;
  manifest.set_project_id(invocation.positionals[0]);
  manifest.set_name(invocation.Flag("name").value_or(""));
  manifest.set_version(invocation.Flag("version").value_or(""));
  absl::StatusOr<v1::ArtifactKind> kind = ParseArtifactKind(invocation.Flag("kind").value_or(""));
  if (!kind.ok()) return kind.status();
  manifest.set_kind(*kind);
  absl::StatusOr<v1::ArtifactFormat> format = ParseArtifactFormat(invocation.Flag("format").value_or(""));
  if (!format.ok()) return format.status();
  manifest.set_format(*format);
  manifest.set_licence(invocation.Flag("licence").value_or(""));
  manifest.set_base(invocation.Flag("base").value_or(""));
  if (std::optional<std::string> card = invocation.Flag("card")) {
    absl::StatusOr<std::string> text = ReadInput(*card, context.in);
    if (!text.ok()) return text.status();
    if (absl::Status s = ParseJson(*text, *manifest.mutable_card()); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--card ", *card, ": ", s.message()));
    }
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat(path, ": not a readable regular file"));
  }
  absl::StatusOr<std::unique_ptr<FileChunker>> chunker = FileChunker::Open(path);
  if (!chunker.ok()) return chunker.status();

  TransferProgress progress(context.err, context.err_is_tty && !context.global().json, "push",
                            static_cast<uint64_t>(st.st_size));
  Pusher pusher(context, static_cast<uint64_t>(st.st_size));
  std::vector<Pending> window;
  v1::ChunkList list;
  Chunk chunk;
  const uint8_t* data = nullptr;
  while (true) {
    absl::StatusOr<bool> more = (*chunker)->Next(&chunk, &data);
    if (!more.ok()) return more.status();
    if (*more) {
      v1::ChunkRef* ref = list.add_chunks();
      ref->set_sha256(chunk.sha256);
      ref->set_size(chunk.size);
      window.push_back({chunk.sha256, std::string(reinterpret_cast<const char*>(data), chunk.size)});
      progress.Add(chunk.size);
    }
    if (window.size() >= kWindowChunks || (!*more && !window.empty())) {
      if (absl::Status s = pusher.Send(window); !s.ok()) return s;
    }
    if (!*more) break;
  }
  manifest.set_size_bytes((*chunker)->bytes_read());
  manifest.set_sha256((*chunker)->WholeSha256());
  manifest.set_chunk_count(list.chunks_size());
  if (static_cast<size_t>(list.chunks_size()) <= kMaxInlineChunks) {
    *manifest.mutable_chunks() = list.chunks();
  } else {
    // The list itself, in pieces of kListPieceChunks references, each a
    // ChunkList stored as a chunk (concatenated, they parse as the whole
    // list): a new version re-sends only the pieces whose chunks changed.
    std::vector<Pending> pieces;
    for (int at = 0; at < list.chunks_size(); at += kListPieceChunks) {
      v1::ChunkList piece_list;
      for (int i = at; i < list.chunks_size() && i < at + kListPieceChunks; ++i) {
        *piece_list.add_chunks() = list.chunks(i);
      }
      Pending piece;
      piece.data = piece_list.SerializeAsString();
      piece.sha256 = Sha256Of(piece.data.data(), piece.data.size());
      v1::ChunkRef* ref = manifest.add_chunk_list();
      ref->set_sha256(piece.sha256);
      ref->set_size(piece.data.size());
      pieces.push_back(std::move(piece));
    }
    if (absl::Status s = pusher.Send(pieces); !s.ok()) return s;
  }
  if (absl::Status s = pusher.Finish(); !s.ok()) return s;

  v1::Artifacts::Stub stub(context.channel);
  v1::CommitManifestRequest commit;
  *commit.mutable_manifest() = manifest;
  absl::StatusOr<v1::CommitManifestResponse> committed =
      CallNode(context, stub, &v1::Artifacts::Stub::CommitManifest, commit);
  if (!committed.ok()) return committed.status();

  v1::ArtifactTransferSummary& summary = pusher.summary();
  summary.set_id(committed->id());
  summary.set_path(path);
  summary.set_size_bytes(manifest.size_bytes());
  summary.set_sha256(access::Hex(manifest.sha256()));
  summary.set_chunks(manifest.chunk_count());
  // Chunks of the file the node already had (a chunk repeated in the file counts once as sent).
  summary.set_chunks_reused(manifest.chunk_count() > summary.chunks_sent() ? manifest.chunk_count() - summary.chunks_sent() : 0);
  summary.set_bytes_reused(manifest.size_bytes() > summary.bytes_sent() ? manifest.size_bytes() - summary.bytes_sent() : 0);
  summary.set_seconds(progress.Seconds());
  summary.set_unchanged(committed->unchanged());
  if (context.global().json) return ToJson(summary);
  return absl::StrFormat("%s %s: %s in %d chunks; sent %d chunks (%s), %d already on the node; %.1f s\n",
                         summary.unchanged() ? "unchanged" : "pushed", summary.id(),
                         FormatBytes(static_cast<int64_t>(summary.size_bytes())), summary.chunks(),
                         summary.chunks_sent(), FormatBytes(static_cast<int64_t>(summary.bytes_sent())),
                         summary.chunks_reused(), summary.seconds());
}

}  // namespace bibia::cli
