// UTF-8 as proto3 accepts it: no overlong forms, surrogates or code points
// above U+10FFFF. The one decoder that validation and escaping share.
#ifndef BIBIA_CATALOG_UTF8_H_
#define BIBIA_CATALOG_UTF8_H_

#include <cstddef>
#include <string_view>

namespace bibia::catalog {

// Length in bytes (1 to 4) of the well-formed code point that starts at
// `text[pos]`, stored in `*code_point`; 0 if the bytes there are not one.
// REQUIRES: pos < text.size().
size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point);

// Offset of the first byte of `text` that is not well-formed UTF-8, or npos.
size_t InvalidUtf8Offset(std::string_view text);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_UTF8_H_
