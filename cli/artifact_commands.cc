// bibia artifact list | show | delete | verify.
#include <string>

#include "access/signing.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bibia/v1/artifacts_service.grpc.pb.h"
#include "cli/artifact_util.h"
#include "cli/chunker.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/json_io.h"
#include "cli/rpc_call.h"
#include "cli/table.h"
#include "cli/text_format.h"

namespace bibia::cli {
namespace {

// A deletion may take this many times --timeout (see its --help).
constexpr int kDeleteCallsOfTime = 30;

}  // namespace

absl::StatusOr<std::string> RunArtifactList(const CommandContext& context) {
  v1::ListArtifactsRequest request;
  if (!context.invocation.positionals.empty()) request.set_project_id(context.invocation.positionals[0]);
  v1::Artifacts::Stub stub(context.channel);
  absl::StatusOr<v1::ListArtifactsResponse> response =
      CallNode(context, stub, &v1::Artifacts::Stub::ListArtifacts, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  if (response->artifacts_size() == 0) return std::string("no artifacts\n");
  Table table({{"ARTIFACT", 60},
               {"KIND"},
               {"FORMAT"},
               {"SIZE", 0, Table::Align::kRight},
               {"LICENCE", 24},
               {"CREATED"},
               {"ORIGIN"}});
  for (const v1::ArtifactSummary& a : response->artifacts()) {
    const v1::ArtifactManifest& m = a.manifest();
    table.AddRow({a.id(), ArtifactKindWord(m.kind()), ArtifactFormatWord(m.format()),
                  FormatBytes(static_cast<int64_t>(m.size_bytes())), m.licence(),
                  FormatTableTime(m.created_unix_ms(), false), a.origin()});
  }
  return table.Render();
}

absl::StatusOr<std::string> RunArtifactShow(const CommandContext& context) {
  absl::StatusOr<v1::ArtifactRefRequest> ref = ParseArtifactRef(context.invocation.positionals[0], "artifact show");
  if (!ref.ok()) return ref.status();
  v1::GetManifestRequest request;
  *request.mutable_ref() = *ref;
  v1::Artifacts::Stub stub(context.channel);
  absl::StatusOr<v1::GetManifestResponse> response =
      CallNode(context, stub, &v1::Artifacts::Stub::GetManifest, request);
  if (!response.ok()) return response.status();
  if (context.global().json) {
    // The chunk list is for pulls, not for reading.
    response->mutable_manifest()->clear_chunks();
    response->mutable_manifest()->clear_chunk_list();
    return ToJson(*response);
  }
  const v1::ArtifactManifest& m = response->manifest();
  std::string out = absl::StrCat(response->id(), "\n");
  absl::StrAppend(&out, "  kind:      ", ArtifactKindWord(m.kind()), "\n");
  absl::StrAppend(&out, "  format:    ", ArtifactFormatWord(m.format()), "\n");
  absl::StrAppend(&out, "  size:      ", FormatBytes(static_cast<int64_t>(m.size_bytes())), " (", m.size_bytes(),
                  " bytes, ", m.chunk_count(), " chunks)\n");
  absl::StrAppend(&out, "  sha256:    ", access::Hex(m.sha256()), "\n");
  absl::StrAppend(&out, "  licence:   ", m.licence(), "\n");
  absl::StrAppend(&out, "  created:   ", FormatUnixMs(m.created_unix_ms()), " by node ", response->origin(), "\n");
  absl::StrAppend(&out, "  based on:  ", m.base().empty() ? "-" : m.base(), "\n");
  absl::StrAppend(&out, "  used by:   ", response->derived().empty() ? "-" : "", "\n");
  for (const std::string& d : response->derived()) absl::StrAppend(&out, "    ", d, "\n");
  if (m.format() == v1::ARTIFACT_FORMAT_PICKLE || m.format() == v1::ARTIFACT_FORMAT_JOBLIB) {
    absl::StrAppend(&out, "  warning:   loading a ", ArtifactFormatWord(m.format()), " file runs code it contains\n");
  }
  const v1::ModelCard& card = m.card();
  if (!card.intended_use().empty()) absl::StrAppend(&out, "  intended use:\n", Wrap(card.intended_use(), 76, "    "));
  if (!card.limitations().empty()) absl::StrAppend(&out, "  limitations:\n", Wrap(card.limitations(), 76, "    "));
  if (!card.training_data().empty()) {
    absl::StrAppend(&out, "  training data:\n", Wrap(card.training_data(), 76, "    "));
  }
  if (card.metrics_size() > 0) absl::StrAppend(&out, "  metrics:\n");
  for (const v1::ArtifactMetric& metric : card.metrics()) {
    absl::StrAppend(&out, absl::StrFormat("    %s: %g\n", metric.name(), metric.value()));
  }
  return out;
}

absl::StatusOr<std::string> RunArtifactDelete(const CommandContext& context) {
  absl::StatusOr<v1::ArtifactRefRequest> ref = ParseArtifactRef(context.invocation.positionals[0], "artifact delete");
  if (!ref.ok()) return ref.status();
  if (ref->version().empty()) {
    return UsageError("deleting needs the version: PROJECT_ID/NAME@VERSION", "artifact delete");
  }
  v1::DeleteArtifactRequest request;
  *request.mutable_ref() = *ref;
  v1::Artifacts::Stub stub(context.channel);
  // The node erases the collected chunks from its files before replying: a
  // rewrite of its chunk files.
  grpc::ClientContext client_context;
  PrepareCall(client_context, context.global(), kDeleteCallsOfTime);
  v1::DeleteArtifactResponse reply;
  const grpc::Status status = stub.DeleteArtifact(&client_context, request, &reply);
  if (!status.ok()) return NodeError(status, context.global());
  const v1::DeleteArtifactResponse* response = &reply;
  if (context.global().json) return ToJson(*response);
  return absl::StrCat("deleted ", context.invocation.positionals[0], "; ", response->chunks_collected(),
                      " chunks no longer referenced were collected\n");
}

absl::StatusOr<std::string> RunArtifactVerify(const CommandContext& context) {
  // Page by page (each call re-hashes a bounded amount), until the node says
  // the last page is done.
  constexpr int kMaxListed = 1000;
  constexpr int kMaxPages = 10'000'000;  // 2.4 PiB of chunks
  const absl::Time start = absl::Now();
  v1::Artifacts::Stub stub(context.channel);
  v1::ArtifactVerifySummary summary;
  v1::VerifyChunksRequest request;
  for (int page = 0; page < kMaxPages; ++page) {
    absl::StatusOr<v1::VerifyChunksResponse> response =
        CallNode(context, stub, &v1::Artifacts::Stub::VerifyChunks, request);
    if (!response.ok()) return response.status();
    summary.set_chunks_checked(summary.chunks_checked() + response->chunks_checked());
    summary.set_bytes_checked(summary.bytes_checked() + response->bytes_checked());
    summary.set_chunks_damaged(summary.chunks_damaged() + response->chunks_damaged());
    for (const v1::DamagedChunk& damaged : response->damaged()) {
      if (summary.damaged_size() < kMaxListed) {
        summary.add_damaged(absl::StrCat(access::Hex(damaged.sha256()), ": ", damaged.reason()));
      }
    }
    if (response->next_start_after().empty()) break;
    request.set_start_after(response->next_start_after());
  }
  summary.set_seconds(absl::ToDoubleSeconds(absl::Now() - start));
  if (context.global().json) return ToJson(summary);
  std::string out = absl::StrFormat("checked %d chunks (%s) in %.1f s: ", summary.chunks_checked(),
                                    FormatBytes(static_cast<int64_t>(summary.bytes_checked())), summary.seconds());
  if (summary.chunks_damaged() == 0) return absl::StrCat(out, "none damaged\n");
  absl::StrAppend(&out, summary.chunks_damaged(), " damaged, removed from the node's store\n");
  for (const std::string& line : summary.damaged()) absl::StrAppend(&out, "  ", line, "\n");
  if (summary.chunks_damaged() > static_cast<uint64_t>(summary.damaged_size())) {
    absl::StrAppend(&out, "  ... and ", summary.chunks_damaged() - summary.damaged_size(), " more\n");
  }
  absl::StrAppend(&out,
                  "A pull of an artifact holding a removed chunk fails until a push of that artifact sends\n"
                  "the chunk again (a push sends only the chunks the node lacks).\n");
  return out;
}

}  // namespace bibia::cli
