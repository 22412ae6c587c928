// Helpers shared by the `bibia artifact` commands: names of kinds and
// formats, artifact references, deadlines of long streams.
#ifndef BIBIA_CLI_ARTIFACT_UTIL_H_
#define BIBIA_CLI_ARTIFACT_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bibia/v1/artifacts.pb.h"
#include "cli/command_context.h"
#include "grpcpp/client_context.h"

namespace bibia::cli {

// "model" <-> ARTIFACT_KIND_MODEL, "git-bundle" <-> ARTIFACT_FORMAT_GIT_BUNDLE.
absl::StatusOr<v1::ArtifactKind> ParseArtifactKind(std::string_view word);
absl::StatusOr<v1::ArtifactFormat> ParseArtifactFormat(std::string_view word);
std::string ArtifactKindWord(v1::ArtifactKind kind);
std::string ArtifactFormatWord(v1::ArtifactFormat format);

// "PROJECT/NAME[@VERSION]"; a usage error naming `command` otherwise.
absl::StatusOr<v1::ArtifactRefRequest> ParseArtifactRef(std::string_view text, std::string_view command);

// Prepares a call that moves about `bytes`: --timeout for every 4 MiB
// started (at least one), so a slow link is not cut off midway.
void PrepareTransferCall(grpc::ClientContext& client_context, const CommandContext& context, uint64_t bytes);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_ARTIFACT_UTIL_H_
