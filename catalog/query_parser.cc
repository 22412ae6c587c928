#include "catalog/query_parser.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "catalog/tokenizer.h"

namespace bibia::catalog {
namespace {

// Words of questions and elided forms beyond the index's stop words: a
// query "comment réduire le gaspillage" asks about "réduire gaspillage".
const absl::flat_hash_set<absl::string_view>& QuestionWords() {
  static const auto* const kWords = new absl::flat_hash_set<absl::string_view>{
      // French (folded)
      "comment", "quel", "quels", "quelle", "quelles", "lequel", "laquelle", "lesquels", "lesquelles",
      "pourquoi", "combien", "quand", "quoi", "est", "ce", "jusqu", "lorsqu", "puisqu", "quoiqu", "existe",
      "y", "il", "t",
      // English
      "how", "what", "which", "why", "where", "when", "who", "whom", "whose", "do", "does", "did", "can",
      "could", "should", "would", "any", "there", "some"};
  return *kWords;
}

// The folded words typed in capitals of at most kMaxAcronymLetters letters
// ("PLU", "RGPD"), from the raw text (folding loses case).
absl::flat_hash_set<std::string> Acronyms(std::string_view text) {
  absl::flat_hash_set<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !absl::ascii_isalnum(static_cast<unsigned char>(text[i]))) ++i;
    const size_t start = i;
    bool caps = true;
    while (i < text.size() && (absl::ascii_isalnum(static_cast<unsigned char>(text[i])) ||
                               static_cast<unsigned char>(text[i]) >= 0x80)) {
      if (!absl::ascii_isupper(static_cast<unsigned char>(text[i]))) caps = false;
      ++i;
    }
    const size_t len = i - start;
    if (caps && len >= 2 && len <= kMaxAcronymLetters) out.insert(absl::AsciiStrToLower(absl::string_view(text.data() + start, len)));
  }
  return out;
}

}  // namespace

bool IsQueryStopWord(std::string_view folded) {
  return IsStopWord(folded) || QuestionWords().contains(absl::string_view(folded.data(), folded.size()));
}

std::vector<QueryConcept> ParseQuery(std::string_view text, const Thesaurus& thesaurus) {
  const absl::flat_hash_set<std::string> acronyms = Acronyms(text);
  const bool last_open = !text.empty() && !absl::ascii_isspace(static_cast<unsigned char>(text.back()));
  const std::vector<std::string> split = SplitWords(text);
  std::vector<QueryWord> words;
  for (size_t i = 0; i < split.size(); ++i) {
    const std::string& w = split[i];
    if (IsQueryStopWord(w)) continue;
    QueryWord word;
    word.term = FoldPlural(w);
    word.acronym = acronyms.contains(w);
    word.prefix = last_open && i + 1 == split.size() && !word.acronym && w.size() >= kMinPrefixLetters;
    auto same = std::find_if(words.begin(), words.end(), [&](const QueryWord& q) { return q.term == word.term; });
    if (same != words.end()) {
      same->prefix = same->prefix || word.prefix;
      continue;
    }
    words.push_back(std::move(word));
  }
  std::vector<std::string> keys;
  for (const QueryWord& w : words) keys.push_back(Thesaurus::Key(w.term));

  std::vector<QueryConcept> concepts;
  for (size_t i = 0; i < words.size();) {
    QueryConcept c;
    const std::optional<Thesaurus::Match> match =
        thesaurus.LongestAt(absl::MakeConstSpan(keys).subspan(i));
    const size_t span = match ? match->words : 1;
    for (size_t k = 0; k < span; ++k) c.words.push_back(words[i + k]);
    if (match) {
      const auto& terms = thesaurus.terms(match->set);
      for (uint32_t t = 0; t < terms.size(); ++t) {
        if (t != match->term) c.synonyms.push_back(terms[t]);
      }
    }
    concepts.push_back(std::move(c));
    i += span;
  }
  return concepts;
}

}  // namespace bibia::catalog
