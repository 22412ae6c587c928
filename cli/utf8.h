// UTF-8 helpers for terminal output: widths are counted in code points, not
// bytes, so that accented French titles line up in tables.
#ifndef BIBIA_CLI_UTF8_H_
#define BIBIA_CLI_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace bibia::cli {

// Number of code points in `text`. A byte that does not start a valid UTF-8
// sequence counts as one code point of its own.
size_t CodePointCount(std::string_view text);

// The first `max_code_points` code points of `text`; when `text` is longer, the
// result ends with "…" and still has at most `max_code_points` code points.
// Never cuts inside a multi-byte sequence.
std::string TruncateCodePoints(std::string_view text, size_t max_code_points);

// `text` with every ASCII control character (newline, tab, ...) replaced by a
// space, so that a cell stays on one line.
std::string SingleLine(std::string_view text);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_UTF8_H_
