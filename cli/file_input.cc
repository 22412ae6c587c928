#include "cli/file_input.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <filesystem>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace bibia::cli {
namespace {

absl::StatusOr<std::string> ReadStream(std::istream& stream, const std::string& name) {
  std::ostringstream content;
  content << stream.rdbuf();
  if (stream.bad()) return absl::DataLossError(absl::StrCat(name, ": read error"));
  return std::move(content).str();
}

}  // namespace

std::string InputName(std::string_view path) {
  return path == "-" ? "<stdin>" : std::string(path);
}

absl::StatusOr<std::string> ReadInput(std::string_view path, std::istream& stdin_stream) {
  const std::string name = InputName(path);
  if (path == "-") return ReadStream(stdin_stream, name);
  std::error_code error;
  if (std::filesystem::is_directory(std::filesystem::path(path), error)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": is a directory"));
  }
  std::ifstream file{std::string(path), std::ios::binary};
  if (!file) {
    const int saved_errno = errno;
    return absl::NotFoundError(absl::StrCat(name, ": ", std::strerror(saved_errno)));
  }
  return ReadStream(file, name);
}

}  // namespace bibia::cli
