// Where a JSON text first breaks the JSON grammar (RFC 8259), as a line and a
// column: protobuf's JSON parser reports a syntax error without a position.
#ifndef BIBIA_CLI_JSON_SYNTAX_H_
#define BIBIA_CLI_JSON_SYNTAX_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace bibia::cli {

struct TextPosition {
  size_t line = 1;    // from 1
  size_t column = 1;  // from 1, in bytes
};

// The position of the first byte at which `text` stops being one JSON value
// (surrounded by whitespace), or nullopt if it is one. The end of a truncated
// text is the position just after its last byte.
std::optional<TextPosition> FirstJsonSyntaxError(std::string_view text);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_JSON_SYNTAX_H_
