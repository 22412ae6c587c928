// Parsing of a search query into concepts: the words to match (folded, stop
// words, elisions and question words dropped), each word or run of words the
// thesaurus knows grouped with its synonyms. The index resolves the concepts
// to posting lists (search_index.cc); this part reads no index.
#ifndef BIBIA_CATALOG_QUERY_PARSER_H_
#define BIBIA_CATALOG_QUERY_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "catalog/thesaurus.h"

namespace bibia::catalog {

// A last word typed shorter than this matches exactly, not as a prefix.
inline constexpr size_t kMinPrefixLetters = 4;
// A word of at most this many capitals ("PLU", "RGPD") is an acronym.
inline constexpr size_t kMaxAcronymLetters = 5;

struct QueryWord {
  std::string term;  // folded, plural folded: the index term of an exact match
  bool acronym = false;  // typed in capitals: exact only (no stem, prefix or typo)
  bool prefix = false;  // the last word, still being typed: also matches as a prefix
};

// One thing the query asks for: its words must all match, or one of the
// synonyms (each a list of index words, all to match) instead.
struct QueryConcept {
  std::vector<QueryWord> words;
  std::vector<std::vector<std::string>> synonyms;
};

// True if `folded` is a word a query does not search for: a stop word, an
// elided article or conjunction ("l", "d", "qu", "jusqu") or a question
// word ("comment", "quels", "how", "what").
bool IsQueryStopWord(std::string_view folded);

// The concepts of `text`, in the order typed, each word once. Empty if the
// query has only stop words.
std::vector<QueryConcept> ParseQuery(std::string_view text, const Thesaurus& thesaurus);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_QUERY_PARSER_H_
