// Text normalisation for the search index: case and accent folding, word
// splitting and French/English stop words. Indexing and querying both use it,
// so a query matches exactly the tokens a document was indexed under.
#ifndef BIBIA_CATALOG_TOKENIZER_H_
#define BIBIA_CATALOG_TOKENIZER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"

namespace bibia::catalog {

// Longest token kept, in bytes; longer words are truncated to it.
inline constexpr size_t kMaxTokenBytes = 64;

// Lower-cases and folds accents of UTF-8 text: "Élève Œuvre Ça" -> "eleve
// oeuvre ca". Punctuation is kept; invalid UTF-8 bytes become spaces.
std::string FoldText(std::string_view utf8);

// True if `folded` (already folded) is a French or English stop word.
bool IsStopWord(std::string_view folded);

// Splits folded text into words: runs of letters and digits; apostrophes,
// hyphens and all other punctuation separate words ("l'air" -> "l", "air").
// Stop words are kept; callers decide.
std::vector<std::string> SplitWords(std::string_view utf8);

// Folds a French or English plural to its singular, crudely but the same way
// at indexing and query time: "cantines" -> "cantine", "reseaux" -> "reseau",
// "locaux" -> "local"; words ending in -ss, -us, -is and short words stay.
std::string FoldPlural(std::string_view word);

// SplitWords without stop words: the tokens a document is indexed under.
std::vector<std::string> Tokenize(std::string_view utf8);

// Calls `term` with each FoldPlural(token) of Tokenize(utf8), in order, without
// allocating per word: indexing runs this over every replicated document.
// The views point into `scratch` and are valid only during the call.
void ForEachIndexTerm(std::string_view utf8, std::string* scratch,
                      absl::FunctionRef<void(std::string_view)> term);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_TOKENIZER_H_
