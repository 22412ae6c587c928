#include "catalog/tokenizer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace bibia::catalog {
namespace {

// Decodes one UTF-8 code point at `*pos`, advancing it; returns U+FFFD for an
// invalid sequence (advancing one byte) so bad input can never stall the loop.
char32_t NextCodePoint(std::string_view s, size_t* pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  uint8_t b0 = byte(*pos);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || *pos + len > s.size()) {
    ++*pos;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (int i = 1; i < len; ++i) {
    uint8_t b = byte(*pos + i);
    if ((b & 0xc0) != 0x80) {
      ++*pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  *pos += len;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Folding of U+00C0..U+00FF (Latin-1 letters), indexed by cp - 0xC0. Empty
// entries (× and ÷) are punctuation.
constexpr std::array<const char*, 64> kLatin1Fold = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// Folding of Latin Extended-A, U+0100..U+017F (Œ œ among them), by base letter.
constexpr std::array<const char*, 128> kLatinExtendedAFold = {
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e",
    "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", "g", "g", "g", "g", "h", "h", "h", "h",
    "i", "i", "i", "i", "i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l",
    "l", "l", "l", "l", "l", "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o",
    "o", "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", "s", "s",
    "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "w", "w",
    "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};

// Appends the folded form of `cp`, or a space if it is not part of a word.
void AppendFolded(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out->push_back(c);
    return;
  }
  if (cp >= 0xC0 && cp <= 0xFF) {
    const char* folded = kLatin1Fold[cp - 0xC0];
    out->append(*folded ? folded : " ");
    return;
  }
  if (cp >= 0x100 && cp <= 0x17F) {
    out->append(kLatinExtendedAFold[cp - 0x100]);
    return;
  }
  if (cp == 0x1E9E) {  // capital sharp s
    out->append("ss");
    return;
  }
  // Combining diacritical marks: decomposed (NFD) text writes "é" as "e" and
  // U+0301, so dropping the mark folds it like the precomposed letter.
  if (cp >= 0x300 && cp <= 0x36F) return;
  // Latin-1 punctuation (nbsp, « », °), general punctuation (’ – — …),
  // replacement characters: separators.
  if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0xFFFD || (cp >= 0x3000 && cp <= 0x303F)) {
    out->push_back(' ');
    return;
  }
  AppendUtf8(cp, out);  // other scripts: kept as word characters
}

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<uint8_t>(c) >= 0x80;
}

// absl::string_view: Abseil's own hash, faster than the std::hash Debian's
// Abseil uses for std::string_view.
const absl::flat_hash_set<absl::string_view>& StopWords() {
  static const auto* const kWords = new absl::flat_hash_set<absl::string_view>{
      // French (folded)
      "a", "au", "aux", "avec", "c", "ce", "ces", "cet", "cette", "d", "dans", "de", "des", "du",
      "elle", "elles", "en", "est", "et", "etre", "ete", "il", "ils", "j", "l", "la", "le", "les",
      "leur", "leurs", "lui", "m", "mais", "n", "ne", "nous", "on", "ont", "ou", "par", "pas",
      "pour", "qu", "que", "qui", "s", "sa", "sans", "se", "ses", "son", "sont", "sur", "t", "un",
      "une", "vous", "y", "ainsi", "afin", "comme", "donc", "dont", "entre",
      // English
      "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "has", "have", "in",
      "into", "is", "it", "its", "not", "of", "or", "that", "the", "their", "there", "these",
      "this", "those", "to", "was", "were", "which", "who", "will", "with"};
  return *kWords;
}

constexpr uint64_t kHighBits = 0x8080808080808080ull;

// Lower-cases the eight ASCII bytes of `chunk` (all below 0x80) at once: the
// 0x20 bit is set in each byte that lies in 'A'..'Z'.
uint64_t LowerAscii8(uint64_t chunk) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  // Every byte is below 0x80, so adding less than 0x81 to each never carries
  // into the next: in at_least_a a byte's high bit is set iff it is >= 'A',
  // in above_z iff it is > 'Z'.
  const uint64_t at_least_a = chunk + kOnes * (0x80 - 'A');
  const uint64_t above_z = chunk + kOnes * (0x7f - 'Z');
  const uint64_t upper = at_least_a & ~above_z & kHighBits;
  return chunk | (upper >> 2);  // 0x80 >> 2 == 0x20
}

// Appends the folded form of `utf8` to `out`.
void AppendFoldedText(std::string_view utf8, std::string* out) {
  out->reserve(out->size() + utf8.size());
  size_t pos = 0;
  while (pos < utf8.size()) {
    // Most text is ASCII: fold each run of it without decoding, eight bytes
    // at a time while they are all ASCII.
    size_t end = pos;
    while (end + 8 <= utf8.size()) {
      uint64_t chunk;
      std::memcpy(&chunk, utf8.data() + end, 8);
      if ((chunk & kHighBits) != 0) break;
      end += 8;
    }
    while (end < utf8.size() && static_cast<uint8_t>(utf8[end]) < 0x80) ++end;
    if (end > pos) {
      const size_t at = out->size();
      out->resize(at + (end - pos));
      char* dst = out->data() + at;
      size_t i = pos;
      for (; i + 8 <= end; i += 8, dst += 8) {
        uint64_t chunk;
        std::memcpy(&chunk, utf8.data() + i, 8);
        chunk = LowerAscii8(chunk);
        std::memcpy(dst, &chunk, 8);
      }
      for (; i < end; ++i) {
        const char c = utf8[i];
        *dst++ = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      }
      pos = end;
      if (pos == utf8.size()) break;
    }
    AppendFolded(NextCodePoint(utf8, &pos), out);
  }
}

// Calls `word` with each word of already folded text (see SplitWords).
template <typename F>
void ForEachWord(std::string_view folded, F&& word) {
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && !IsWordByte(folded[i])) ++i;
    size_t start = i;
    while (i < folded.size() && IsWordByte(folded[i])) ++i;
    if (i > start) {
      size_t len = std::min(i - start, kMaxTokenBytes);
      // Never cut a multi-byte character in two.
      while (len < i - start && (static_cast<uint8_t>(folded[start + len]) & 0xc0) == 0x80) --len;
      word(start, len);
    }
  }
}

// The length FoldPlural gives `word`, and whether it ends in "l" instead of
// the word's own next letter (the -aux -> -al case).
struct PluralFold {
  size_t length;
  bool ends_in_l;
};

PluralFold FoldPluralShape(std::string_view word) {
  const auto ends_with = [&](std::string_view suffix) {
    return word.size() >= suffix.size() && word.substr(word.size() - suffix.size()) == suffix;
  };
  if (word.size() < 4) return {word.size(), false};
  if (ends_with("eaux")) return {word.size() - 1, false};
  if (ends_with("aux") && word.size() >= 5) return {word.size() - 1, true};
  if (ends_with("s") && !ends_with("ss") && !ends_with("us") && !ends_with("is")) return {word.size() - 1, false};
  return {word.size(), false};
}

}  // namespace

std::string FoldText(std::string_view utf8) {
  std::string out;
  AppendFoldedText(utf8, &out);
  return out;
}

bool IsStopWord(std::string_view folded) {
  // Every word of every indexed text is asked about, so the stop words sit in
  // a small open-addressed table of words packed into integers (bytes, and
  // the length in the top byte): one multiply and a probe or two, no hashing
  // of strings. Most words are longer than any stop word and never get there.
  constexpr size_t kSlots = 512;  // a power of two, a few times the stop words
  const auto pack = [](std::string_view w) {
    uint64_t v = static_cast<uint64_t>(w.size()) << 56;
    for (size_t i = 0; i < w.size(); ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(w[i])) << (8 * i);
    return v;
  };
  const auto slot = [](uint64_t packed) { return static_cast<size_t>((packed * 0x9E3779B97F4A7C15ull) >> 55); };
  struct Table {
    size_t longest = 0;
    std::array<uint64_t, kSlots> slots{};  // 0: empty (a packed word has a length)
  };
  static const Table* const kTable = [&] {
    auto* table = new Table;
    for (absl::string_view w : StopWords()) {
      if (w.size() > 7) std::abort();  // the length byte must stay clear
      table->longest = std::max(table->longest, w.size());
      const uint64_t packed = pack(std::string_view(w.data(), w.size()));
      size_t i = slot(packed);
      while (table->slots[i] != 0) i = (i + 1) % kSlots;
      table->slots[i] = packed;
    }
    return table;
  }();
  if (folded.empty() || folded.size() > kTable->longest) return false;
  const uint64_t packed = pack(folded);
  for (size_t i = slot(packed);; i = (i + 1) % kSlots) {
    if (kTable->slots[i] == packed) return true;
    if (kTable->slots[i] == 0) return false;
  }
}

std::vector<std::string> SplitWords(std::string_view utf8) {
  std::string folded = FoldText(utf8);
  std::vector<std::string> words;
  ForEachWord(folded, [&](size_t start, size_t len) { words.emplace_back(folded, start, len); });
  return words;
}

std::string FoldPlural(std::string_view word) {
  const PluralFold fold = FoldPluralShape(word);
  std::string out(word.substr(0, fold.length));
  if (fold.ends_in_l) out.back() = 'l';
  return out;
}

void ForEachIndexTerm(std::string_view utf8, std::string* scratch, absl::FunctionRef<void(std::string_view)> term) {
  scratch->clear();
  AppendFoldedText(utf8, scratch);
  char* const folded = scratch->data();
  ForEachWord(*scratch, [&](size_t start, size_t len) {
    const std::string_view word(folded + start, len);
    if (IsStopWord(word)) return;
    const PluralFold fold = FoldPluralShape(word);
    // Words are consumed once, so the -aux -> -al rewrite can be made in place.
    if (fold.ends_in_l) folded[start + fold.length - 1] = 'l';
    term(std::string_view(folded + start, fold.length));
  });
}

std::vector<std::string> Tokenize(std::string_view utf8) {
  std::vector<std::string> words = SplitWords(utf8);
  words.erase(std::remove_if(words.begin(), words.end(), [](const std::string& w) { return IsStopWord(w); }),
              words.end());
  return words;
}

}  // namespace bibia::catalog
