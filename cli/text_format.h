// Small formatting helpers shared by the human-readable views: word
// wrapping, aligned "label  value" blocks, timestamps, sizes and yes/no.
#ifndef BIBIA_CLI_TEXT_FORMAT_H_
#define BIBIA_CLI_TEXT_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bibia::cli {

// Wraps `text` at `width` code points per line (words longer than that stay
// whole), each line prefixed with `indent` and ending with '\n'. Paragraph
// breaks in `text` are kept. Empty text gives an empty string.
std::string Wrap(std::string_view text, size_t width, std::string_view indent);

inline constexpr size_t kLineWidth = 80;

// Lines of "LABEL  VALUE" with the values aligned. Empty values are skipped;
// long values wrap at spaces to fit kLineWidth, continuing under the value.
class FieldList {
 public:
  void Add(std::string_view label, std::string_view value);
  // One line per value; the label is printed on the first one only.
  void AddLines(std::string_view label, const std::vector<std::string>& values);
  bool empty() const { return lines_.empty(); }
  std::string Render(std::string_view indent) const;

 private:
  std::vector<std::pair<std::string, std::string>> lines_;  // label, value
};

// "2026-11-22 14:03 UTC"; empty for 0.
std::string FormatUnixMs(int64_t unix_ms);

// For a table column whose header says "(UTC)": "2026-11-22 14:03", or
// "2026-11-22 14:03:05" with `seconds`; `zero` for 0.
std::string FormatTableTime(int64_t unix_ms, bool seconds, std::string_view zero = "-");

// "512 B", "1.5 kB", "12 MB", "3.2 GB" (powers of 1000).
std::string FormatBytes(int64_t bytes);

std::string YesNo(bool value);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_TEXT_FORMAT_H_
