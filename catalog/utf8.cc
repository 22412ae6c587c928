#include "catalog/utf8.h"

#include <cstdint>

namespace bibia::catalog {

size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point) {
  const auto b = static_cast<uint8_t>(text[pos]);
  if (b < 0x80) {
    *code_point = b;
    return 1;
  }
  size_t len;
  char32_t cp, min;
  if ((b & 0xe0) == 0xc0) {
    len = 2, cp = b & 0x1f, min = 0x80;
  } else if ((b & 0xf0) == 0xe0) {
    len = 3, cp = b & 0x0f, min = 0x800;
  } else if ((b & 0xf8) == 0xf0) {
    len = 4, cp = b & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<uint8_t>(text[pos + k]);
    if ((c & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return len;
}

size_t InvalidUtf8Offset(std::string_view text) {
  size_t i = 0;
  char32_t cp;
  while (i < text.size()) {
    if (static_cast<uint8_t>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace bibia::catalog
