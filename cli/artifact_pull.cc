// bibia artifact pull: fetch a manifest, then only the chunks the client
// lacks (a partial earlier pull beside the target, or --from an older
// version), verifying each chunk and the whole file, and write atomically.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "access/signing.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bibia/v1/artifacts_service.grpc.pb.h"
#include "cli/artifact_util.h"
#include "cli/channel.h"
#include "cli/chunker.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/json_io.h"
#include "cli/rpc_call.h"
#include "cli/text_format.h"
#include "cli/transfer_progress.h"

namespace bibia::cli {
namespace {

constexpr size_t kDownloadBatchChunks = 1024;
constexpr uint64_t kDownloadBatchBytes = 64 << 20;
constexpr char kPartialSuffix[] = ".bibia-partial";

absl::Status Errno(const std::string& what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

absl::Status PreadAll(int fd, char* out, size_t size, uint64_t offset, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(absl::StrCat(path, ": read"));
    if (n == 0) return absl::OutOfRangeError(absl::StrCat(path, ": shorter than expected"));
    out += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

absl::Status PwriteAll(int fd, const char* data, size_t size, uint64_t offset, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(absl::StrCat(path, ": write"));
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

// Downloads `hashes` of the manifest `ref` (each verified against itself)
// and hands each to `sink`. A node that lacks some fetches them from the
// federation first.
absl::Status Download(const CommandContext& context, v1::Artifacts::Stub& stub, const v1::ArtifactRefRequest& ref,
                      const std::vector<std::string>& hashes, uint64_t bytes,
                      const std::function<absl::Status(const std::string&, const std::string&)>& sink) {
  grpc::ClientContext call;
  PrepareTransferCall(call, context, bytes);
  v1::DownloadChunksRequest request;
  *request.mutable_ref() = ref;
  for (const std::string& h : hashes) request.add_sha256(h);
  std::unique_ptr<grpc::ClientReader<v1::DownloadChunksResponse>> reader = stub.DownloadChunks(&call, request);
  v1::DownloadChunksResponse message;
  size_t next = 0;
  absl::Status failed;
  while (failed.ok() && reader->Read(&message)) {
    for (v1::ChunkData& chunk : *message.mutable_chunks()) {
      if (next >= hashes.size() || chunk.sha256() != hashes[next]) {
        failed = absl::DataLossError("download: the node sent a chunk that was not asked for");
        break;
      }
      if (Sha256Of(chunk.data().data(), chunk.data().size()) != hashes[next]) {
        failed = absl::DataLossError(absl::StrCat("download: chunk ", access::Hex(hashes[next]).substr(0, 16),
                                                  "… does not match its SHA-256 (damaged on the node or in"
                                                  " transit); not written"));
        break;
      }
      failed = sink(hashes[next], chunk.data());
      if (!failed.ok()) break;
      ++next;
    }
  }
  if (!failed.ok()) {
    call.TryCancel();
    reader->Finish();
    return failed;
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return NodeError(status, context.global());
  if (next != hashes.size()) return absl::DataLossError("download: the node's stream ended early");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> RunArtifactPull(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  absl::StatusOr<v1::ArtifactRefRequest> ref = ParseArtifactRef(invocation.positionals[0], "artifact pull");
  if (!ref.ok()) return ref.status();
  v1::Artifacts::Stub stub(context.channel);
  v1::GetManifestRequest get;
  *get.mutable_ref() = *ref;
  absl::StatusOr<v1::GetManifestResponse> got = CallNode(context, stub, &v1::Artifacts::Stub::GetManifest, get);
  if (!got.ok()) return got.status();
  const v1::ArtifactManifest& manifest = got->manifest();
  v1::ArtifactRefRequest resolved;  // the version found, for every download
  resolved.set_project_id(manifest.project_id());
  resolved.set_name(manifest.name());
  resolved.set_version(manifest.version());
  if (manifest.format() == v1::ARTIFACT_FORMAT_PICKLE || manifest.format() == v1::ARTIFACT_FORMAT_JOBLIB) {
    context.err << "warning: " << got->id() << " is a " << ArtifactFormatWord(manifest.format())
                << " file: loading it runs code it contains; load it only if you trust "
                << got->origin() << "\n";
  }

  // The ordered chunk list, inline or in pieces (each piece verified).
  std::vector<v1::ChunkRef> chunks(manifest.chunks().begin(), manifest.chunks().end());
  if (manifest.chunk_list_size() > 0) {
    std::vector<std::string> pieces;
    uint64_t bytes = 0;
    for (const v1::ChunkRef& piece : manifest.chunk_list()) {
      pieces.push_back(piece.sha256());
      bytes += piece.size();
    }
    std::string serialized;
    absl::Status s = Download(context, stub, resolved, pieces, bytes, [&](const std::string&, const std::string& data) {
      serialized += data;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    v1::ChunkList list;
    if (!list.ParseFromString(serialized)) return absl::DataLossError("the artifact's chunk list does not parse");
    chunks.assign(list.chunks().begin(), list.chunks().end());
  }
  uint64_t total = 0;
  std::vector<uint64_t> offsets;
  offsets.reserve(chunks.size());
  for (const v1::ChunkRef& c : chunks) {
    offsets.push_back(total);
    total += c.size();
  }
  if (total != manifest.size_bytes() || chunks.size() != manifest.chunk_count()) {
    return absl::DataLossError("the manifest's chunk list does not add up to its size");
  }

  const std::string target = invocation.Flag("output").value_or(manifest.name());
  const std::string partial = target + kPartialSuffix;
  const bool resuming = ::access(partial.c_str(), F_OK) == 0;
  const int fd = ::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno(partial);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::ftruncate(fd, static_cast<off_t>(total)) != 0) return Errno(absl::StrCat(partial, ": resize"));

  TransferProgress progress(context.err, context.err_is_tty && !context.global().json, "pull", total);
  v1::ArtifactTransferSummary summary;
  std::vector<bool> have(chunks.size(), false);
  std::string buffer;
  // A partial earlier pull: its verified chunks stay.
  if (resuming) {
    for (size_t i = 0; i < chunks.size(); ++i) {
      buffer.resize(chunks[i].size());
      if (!PreadAll(fd, buffer.data(), buffer.size(), offsets[i], partial).ok()) break;
      if (Sha256Of(buffer.data(), buffer.size()) == chunks[i].sha256()) {
        have[i] = true;
        summary.set_chunks_reused(summary.chunks_reused() + 1);
        summary.set_bytes_reused(summary.bytes_reused() + chunks[i].size());
        progress.Add(chunks[i].size());
      }
    }
  }
  // An older version on disk: its chunks, found by hash and checked again.
  if (std::optional<std::string> from = invocation.Flag("from")) {
    absl::StatusOr<std::vector<Chunk>> old = ChunkFile(*from);
    if (!old.ok()) return old.status();
    absl::flat_hash_map<std::string, const Chunk*> by_hash;
    for (const Chunk& c : *old) by_hash.emplace(c.sha256, &c);
    const int old_fd = ::open(from->c_str(), O_RDONLY | O_CLOEXEC);
    if (old_fd < 0) return Errno(*from);
    struct Closer old_closer{old_fd};
    for (size_t i = 0; i < chunks.size(); ++i) {
      if (have[i]) continue;
      auto it = by_hash.find(chunks[i].sha256());
      if (it == by_hash.end() || it->second->size != chunks[i].size()) continue;
      buffer.resize(chunks[i].size());
      if (!PreadAll(old_fd, buffer.data(), buffer.size(), it->second->offset, *from).ok()) continue;
      if (Sha256Of(buffer.data(), buffer.size()) != chunks[i].sha256()) continue;
      if (absl::Status s = PwriteAll(fd, buffer.data(), buffer.size(), offsets[i], partial); !s.ok()) return s;
      have[i] = true;
      summary.set_chunks_reused(summary.chunks_reused() + 1);
      summary.set_bytes_reused(summary.bytes_reused() + chunks[i].size());
      progress.Add(chunks[i].size());
    }
  }
  // The rest from the node, each distinct chunk once, written wherever it occurs.
  absl::flat_hash_map<std::string, std::vector<size_t>> wanted;
  std::vector<std::string> order;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (have[i]) continue;
    auto [it, inserted] = wanted.try_emplace(chunks[i].sha256());
    if (inserted) order.push_back(chunks[i].sha256());
    it->second.push_back(i);
  }
  // A pull that fetches every chunk once, in file order (a fresh pull of a
  // file without repeated chunks), hashes the whole file as it writes it;
  // any other is read back and hashed once written.
  const bool in_order = order.size() == chunks.size();
  Sha256Hasher whole;
  for (size_t start = 0; start < order.size();) {
    std::vector<std::string> batch;
    uint64_t bytes = 0;
    while (start < order.size() && batch.size() < kDownloadBatchChunks && bytes < kDownloadBatchBytes) {
      bytes += chunks[wanted[order[start]].front()].size();
      batch.push_back(order[start++]);
    }
    absl::Status s = Download(context, stub, resolved, batch, bytes, [&](const std::string& hash, const std::string& data) {
      summary.set_chunks_fetched(summary.chunks_fetched() + 1);
      summary.set_bytes_fetched(summary.bytes_fetched() + data.size());
      if (in_order) whole.Update(data.data(), data.size());
      for (size_t i : wanted[hash]) {
        if (data.size() != chunks[i].size()) return absl::DataLossError("download: a chunk of the wrong size");
        if (absl::Status w = PwriteAll(fd, data.data(), data.size(), offsets[i], partial); !w.ok()) return w;
        progress.Add(data.size());
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      context.err << "bibia: " << partial << " keeps the chunks verified so far: rerun the pull to resume\n";
      return s;
    }
  }
  if (::fsync(fd) != 0) return Errno(absl::StrCat(partial, ": fsync"));
  // The whole file against the manifest (read back unless hashed in order).
  buffer.resize(4 << 20);
  for (uint64_t at = 0; !in_order && at < total;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), total - at));
    if (absl::Status s = PreadAll(fd, buffer.data(), n, at, partial); !s.ok()) return s;
    whole.Update(buffer.data(), n);
    at += n;
  }
  if (whole.Finish() != manifest.sha256()) {
    ::unlink(partial.c_str());
    return absl::DataLossError(absl::StrCat("the assembled file does not match the manifest's SHA-256; ", target,
                                            " not written"));
  }
  if (std::rename(partial.c_str(), target.c_str()) != 0) return Errno(absl::StrCat("rename to ", target));
  std::string dir = target.find('/') == std::string::npos ? "." : target.substr(0, target.rfind('/') + 1);
  if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  summary.set_id(got->id());
  summary.set_path(target);
  summary.set_size_bytes(total);
  summary.set_sha256(access::Hex(manifest.sha256()));
  summary.set_chunks(chunks.size());
  summary.set_seconds(progress.Seconds());
  if (context.global().json) return ToJson(summary);
  return absl::StrFormat("pulled %s to %s: %s, sha256 %s verified; fetched %d chunks (%s), reused %d; %.1f s\n",
                         summary.id(), target, FormatBytes(static_cast<int64_t>(total)), summary.sha256(),
                         summary.chunks_fetched(), FormatBytes(static_cast<int64_t>(summary.bytes_fetched())),
                         summary.chunks_reused(), summary.seconds());
}

}  // namespace bibia::cli
