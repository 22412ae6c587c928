#include "cli/text_format.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cli/absl_view.h"
#include "cli/utf8.h"

namespace bibia::cli {

std::string Wrap(std::string_view text, size_t width, std::string_view indent) {
  std::string out;
  for (absl::string_view paragraph : absl::StrSplit(AbslView(text), '\n')) {
    std::string line;
    size_t line_width = 0;
    for (absl::string_view word : absl::StrSplit(paragraph, ' ', absl::SkipWhitespace())) {
      const size_t word_width = CodePointCount(StdView(word));
      if (!line.empty() && line_width + 1 + word_width > width) {
        out.append(indent).append(line).push_back('\n');
        line.clear();
        line_width = 0;
      }
      if (!line.empty()) {
        line.push_back(' ');
        ++line_width;
      }
      line.append(word.data(), word.size());
      line_width += word_width;
    }
    if (!line.empty()) out.append(indent).append(line).push_back('\n');
  }
  return out;
}

void FieldList::Add(std::string_view label, std::string_view value) {
  if (value.empty()) return;
  lines_.emplace_back(std::string(label), SingleLine(value));
}

void FieldList::AddLines(std::string_view label, const std::vector<std::string>& values) {
  bool first = true;
  for (const std::string& value : values) {
    if (value.empty()) continue;
    lines_.emplace_back(first ? std::string(label) : std::string(), SingleLine(value));
    first = false;
  }
}

std::string FieldList::Render(std::string_view indent) const {
  size_t label_width = 0;
  for (const auto& [label, value] : lines_) {
    label_width = std::max(label_width, CodePointCount(label));
  }
  constexpr size_t kMinValueWidth = 30;
  const size_t used = CodePointCount(indent) + label_width + 2;
  const size_t value_width = used + kMinValueWidth > kLineWidth ? kMinValueWidth
                                                                 : kLineWidth - used;
  const std::string continuation = std::string(indent) + std::string(label_width + 2, ' ');
  std::string out;
  for (const auto& [label, value] : lines_) {
    std::string wrapped = Wrap(value, value_width, continuation);
    wrapped.erase(0, continuation.size());  // the first line follows the label
    if (wrapped.empty()) wrapped = "\n";     // a value of blanks only
    out.append(indent).append(label);
    out.append(label_width - CodePointCount(label) + 2, ' ');
    out.append(wrapped);
  }
  return out;
}

std::string FormatUnixMs(int64_t unix_ms) {
  if (unix_ms == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

std::string FormatTableTime(int64_t unix_ms, bool seconds, std::string_view zero) {
  if (unix_ms == 0) return std::string(zero);
  return absl::FormatTime(seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M",
                          absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

std::string FormatBytes(int64_t bytes) {
  constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  if (unit == 0) return absl::StrFormat("%d B", bytes);
  if (value < 10) return absl::StrFormat("%.1f %s", value, kUnits[unit]);
  return absl::StrFormat("%.0f %s", value, kUnits[unit]);
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace bibia::cli
