#include "catalog/printable.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "catalog/utf8.h"

namespace bibia::catalog {
namespace {

// The escaped form of the character or byte at `text[*pos]`, advancing `*pos`.
void AppendOne(std::string_view text, size_t* pos, std::string* out) {
  const auto b = static_cast<uint8_t>(text[*pos]);
  if (b >= 0x20 && b < 0x7f) {
    out->push_back(static_cast<char>(b));
    ++*pos;
    return;
  }
  char32_t cp = 0;
  const size_t len = b < 0x80 ? 1 : DecodeUtf8(text, *pos, &cp);
  if (len == 0 || b < 0x80) {  // C0 control, DEL, or a byte that is not UTF-8
    absl::StrAppend(out, absl::StrFormat("\\x%02x", b));
    ++*pos;
    return;
  }
  if (cp >= 0x80 && cp < 0xa0) {  // C1 control: terminals obey some of them
    absl::StrAppend(out, absl::StrFormat("\\u{%02x}", static_cast<unsigned>(cp)));
  } else {
    out->append(text.substr(*pos, len));
  }
  *pos += len;
}

}  // namespace

std::string Printable(std::string_view text, size_t max_bytes) {
  // Most values (ids, addresses, codes) are short printable ASCII: as is.
  if (text.size() <= max_bytes &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t before_pos = pos, before_size = out.size();
    AppendOne(text, &pos, &out);
    if (out.size() > max_bytes) {
      out.resize(before_size);
      pos = before_pos;
      break;
    }
  }
  if (pos < text.size()) absl::StrAppend(&out, "…(", text.size(), " bytes)");
  return out;
}

namespace {

// `message` with every absolute file path (a token that starts with '/' and
// holds another '/', as RocksDB's and the OS's messages name files) replaced
// by "(path)": the node's layout is the operator's business, not a caller's.
std::string WithoutPaths(std::string_view message) {
  std::string out;
  size_t pos = 0;
  while (pos < message.size()) {
    const size_t slash = message.find('/', pos);
    const bool starts_token = slash != std::string_view::npos &&
                              (slash == 0 || message[slash - 1] == ' ' || message[slash - 1] == '\'' ||
                               message[slash - 1] == '"' || message[slash - 1] == '(' || message[slash - 1] == '=');
    if (!starts_token) {
      const size_t end = slash == std::string_view::npos ? message.size() : slash + 1;
      out.append(message.substr(pos, end - pos));
      pos = end;
      continue;
    }
    size_t end = slash;
    while (end < message.size() && message[end] != ' ' && message[end] != '\'' && message[end] != '"' &&
           message[end] != ')' && message[end] != ',' && message[end] != ';') {
      ++end;
    }
    const std::string_view token = message.substr(slash, end - slash);
    out.append(message.substr(pos, slash - pos));
    out.append(token.find('/', 1) == std::string_view::npos ? token : "(path)");
    pos = end;
  }
  return out;
}

}  // namespace

std::string CallerMessage(std::string_view message) {
  return Printable(WithoutPaths(message), kMaxCallerMessageBytes);
}

}  // namespace bibia::catalog
