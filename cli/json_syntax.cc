#include "cli/json_syntax.h"

#include <string_view>

namespace bibia::cli {
namespace {

// A recursive-descent recogniser: it builds nothing, only finds where the
// grammar breaks. Depth is bounded so that a hostile file cannot overflow the
// stack (protobuf refuses deeper documents anyway).
class Recogniser {
 public:
  explicit Recogniser(std::string_view text) : text_(text) {}

  // False at the first error, with pos_ on the offending byte.
  bool Document() {
    SkipSpace();
    if (!Value(0)) return false;
    SkipSpace();
    return pos_ == text_.size();
  }
  size_t pos() const { return pos_; }

 private:
  static constexpr int kMaxDepth = 200;

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) ++pos_;
  }
  bool Expect(char c) {
    if (AtEnd() || Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool Literal(std::string_view word) {
    for (char c : word) {
      if (!Expect(c)) return false;
    }
    return true;
  }
  bool Digits() {
    const size_t start = pos_;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
    return pos_ > start;
  }
  bool Number() {
    if (!AtEnd() && Peek() == '-') ++pos_;
    if (!AtEnd() && Peek() == '0') {
      ++pos_;
    } else if (!Digits()) {
      return false;
    }
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (!Digits()) return false;
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (!Digits()) return false;
    }
    return true;
  }
  bool String() {
    if (!Expect('"')) return false;
    while (!AtEnd()) {
      const auto c = static_cast<unsigned char>(Peek());
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;  // a raw control character, e.g. a newline
      if (c != '\\') {
        ++pos_;
        continue;
      }
      ++pos_;
      if (AtEnd()) return false;
      const char escaped = Peek();
      if (escaped == 'u') {
        ++pos_;
        for (int i = 0; i < 4; ++i, ++pos_) {
          if (AtEnd() || std::string_view("0123456789abcdefABCDEF").find(Peek()) == std::string_view::npos) {
            return false;
          }
        }
        continue;
      }
      if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) return false;
      ++pos_;
    }
    return false;
  }
  bool Value(int depth) {
    if (AtEnd() || depth > kMaxDepth) return false;
    switch (Peek()) {
      case '{': return Object(depth + 1);
      case '[': return Array(depth + 1);
      case '"': return String();
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: return Number();
    }
  }
  bool Object(int depth) {
    ++pos_;  // '{'
    SkipSpace();
    if (Expect('}')) return true;
    while (true) {
      SkipSpace();
      if (!String()) return false;
      SkipSpace();
      if (!Expect(':')) return false;
      SkipSpace();
      if (!Value(depth)) return false;
      SkipSpace();
      if (Expect('}')) return true;
      if (!Expect(',')) return false;
    }
  }
  bool Array(int depth) {
    ++pos_;  // '['
    SkipSpace();
    if (Expect(']')) return true;
    while (true) {
      SkipSpace();
      if (!Value(depth)) return false;
      SkipSpace();
      if (Expect(']')) return true;
      if (!Expect(',')) return false;
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<TextPosition> FirstJsonSyntaxError(std::string_view text) {
  Recogniser recogniser(text);
  if (recogniser.Document()) return std::nullopt;
  TextPosition position;
  const size_t end = recogniser.pos() < text.size() ? recogniser.pos() : text.size();
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

}  // namespace bibia::cli
