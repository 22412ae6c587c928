// Reads the whole content of an input file named on the command line, or of
// stdin for "-", with errors that name the file.
#ifndef BIBIA_CLI_FILE_INPUT_H_
#define BIBIA_CLI_FILE_INPUT_H_

#include <istream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace bibia::cli {

// "<stdin>" for "-", else `path`.
std::string InputName(std::string_view path);

// On failure: an error "NAME: reason" (e.g. "p.json: No such file or
// directory").
absl::StatusOr<std::string> ReadInput(std::string_view path, std::istream& stdin_stream);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_FILE_INPUT_H_
