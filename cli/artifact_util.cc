#include "cli/artifact_util.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "cli/channel.h"
#include "cli/errors.h"

namespace bibia::cli {
namespace {

std::string WordOf(const std::string& enum_name, std::string_view prefix) {
  std::string word = absl::AsciiStrToLower(enum_name.substr(prefix.size()));
  return absl::StrReplaceAll(word, {{"_", "-"}});
}

std::string EnumNameOf(std::string_view word, std::string_view prefix) {
  std::string name = absl::AsciiStrToUpper(absl::string_view(word.data(), word.size()));
  return absl::StrCat(absl::string_view(prefix.data(), prefix.size()), absl::StrReplaceAll(name, {{"-", "_"}}));
}

}  // namespace

absl::StatusOr<v1::ArtifactKind> ParseArtifactKind(std::string_view word) {
  v1::ArtifactKind kind;
  if (!word.empty() && v1::ArtifactKind_Parse(EnumNameOf(word, "ARTIFACT_KIND_"), &kind) &&
      kind != v1::ARTIFACT_KIND_UNSPECIFIED) {
    return kind;
  }
  return UsageError(absl::StrCat("--kind: '", absl::string_view(word.data(), word.size()),
                                 "' is not one of model, dataset, notebook, source"),
                    "artifact push");
}

absl::StatusOr<v1::ArtifactFormat> ParseArtifactFormat(std::string_view word) {
  v1::ArtifactFormat format;
  if (!word.empty() && v1::ArtifactFormat_Parse(EnumNameOf(word, "ARTIFACT_FORMAT_"), &format) &&
      format != v1::ARTIFACT_FORMAT_UNSPECIFIED) {
    return format;
  }
  return UsageError(absl::StrCat("--format: '", absl::string_view(word.data(), word.size()),
                                 "' is not one of onnx, safetensors, gguf, pickle, joblib, parquet, csv,"
                                 " zip, git-bundle, other"),
                    "artifact push");
}

std::string ArtifactKindWord(v1::ArtifactKind kind) { return WordOf(v1::ArtifactKind_Name(kind), "ARTIFACT_KIND_"); }

std::string ArtifactFormatWord(v1::ArtifactFormat format) {
  return WordOf(v1::ArtifactFormat_Name(format), "ARTIFACT_FORMAT_");
}

absl::StatusOr<v1::ArtifactRefRequest> ParseArtifactRef(std::string_view text, std::string_view command) {
  const size_t slash = text.find('/');
  v1::ArtifactRefRequest ref;
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return UsageError(absl::StrCat("'", absl::string_view(text.data(), text.size()),
                                   "' is not an artifact reference PROJECT_ID/NAME[@VERSION]"),
                      command);
  }
  ref.set_project_id(std::string(text.substr(0, slash)));
  std::string_view rest = text.substr(slash + 1);
  const size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    if (at == 0 || at + 1 == rest.size()) {
      return UsageError(absl::StrCat("'", absl::string_view(text.data(), text.size()),
                                     "': NAME and VERSION around '@' may not be empty"),
                        command);
    }
    ref.set_version(std::string(rest.substr(at + 1)));
    rest = rest.substr(0, at);
  }
  ref.set_name(std::string(rest));
  return ref;
}

void PrepareTransferCall(grpc::ClientContext& client_context, const CommandContext& context, uint64_t bytes) {
  PrepareCall(client_context, context.global(), 1 + static_cast<int>(bytes >> 22));
}

}  // namespace bibia::cli
