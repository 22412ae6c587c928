// The field thesaurus of search (catalog/data/thesaurus.txt, compiled into
// the binary): sets of terms naming the same thing, French and English,
// expanded at query time. A term may be several words; it is kept as its
// index words (folded, stop words dropped, plurals folded).
#ifndef BIBIA_CATALOG_THESAURUS_H_
#define BIBIA_CATALOG_THESAURUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"

namespace bibia::catalog {

class Thesaurus {
 public:
  // Parses the file format (one set per line, terms separated by " | ",
  // "#" comments and blank lines skipped). A term of stop words only is
  // skipped; a term already in an earlier set keeps its first set.
  static Thesaurus Parse(std::string_view text);

  // The key under which a word matches thesaurus terms: its French stem, so
  // that "prevoir" and "prevoit", "arbres" and "arbre" meet.
  static std::string Key(std::string_view plural_folded_word);

  struct Match {
    size_t words = 0;  // query words the term covers, from the start
    uint32_t set = 0;
    uint32_t term = 0;  // in the set
  };
  // The longest term equal to keys[0..k) for some k, if any. `keys`: Key()
  // of successive query words.
  std::optional<Match> LongestAt(absl::Span<const std::string> keys) const;

  // The terms of `set`, each as its index words.
  const std::vector<std::vector<std::string>>& terms(uint32_t set) const { return sets_[set]; }
  size_t size() const { return sets_.size(); }

 private:
  struct Entry {
    std::vector<std::string> keys;
    uint32_t set;
    uint32_t term;
  };
  std::vector<std::vector<std::vector<std::string>>> sets_;
  absl::flat_hash_map<std::string, std::vector<Entry>> by_first_key_;
};

// The thesaurus compiled into the binary, parsed once. Thread-safe.
const Thesaurus& FieldThesaurus();

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_THESAURUS_H_
