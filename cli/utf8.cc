#include "cli/utf8.h"

namespace bibia::cli {
namespace {

constexpr std::string_view kEllipsis = "…";

// Length in bytes of the code point starting at text[pos]; 1 for a byte that
// is not the start of a well-formed sequence.
size_t SequenceLength(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  size_t length = 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else {
    return 1;
  }
  if (pos + length > text.size()) return 1;
  for (size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[pos + i]);
    if ((next & 0xC0) != 0x80) return 1;
  }
  return length;
}

}  // namespace

size_t CodePointCount(std::string_view text) {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size(); pos += SequenceLength(text, pos)) {
    ++count;
  }
  return count;
}

std::string TruncateCodePoints(std::string_view text, size_t max_code_points) {
  if (CodePointCount(text) <= max_code_points) return std::string(text);
  if (max_code_points == 0) return "";
  size_t pos = 0;
  for (size_t kept = 0; kept + 1 < max_code_points; ++kept) {
    pos += SequenceLength(text, pos);
  }
  std::string result(text.substr(0, pos));
  result.append(kEllipsis);
  return result;
}

std::string SingleLine(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) c = ' ';
  }
  return result;
}

}  // namespace bibia::cli
