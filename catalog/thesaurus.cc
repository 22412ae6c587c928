#include "catalog/thesaurus.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "catalog/stemmer.h"
#include "catalog/tokenizer.h"

namespace bibia::catalog {

extern const char kThesaurusText[];  // thesaurus_data.cc, generated

std::string Thesaurus::Key(std::string_view plural_folded_word) {
  return std::string(Stem(StemLanguage::kFrench, plural_folded_word));
}

Thesaurus Thesaurus::Parse(std::string_view text) {
  Thesaurus t;
  absl::flat_hash_set<std::string> seen;  // keys of terms already in a set
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::vector<std::string>> set;
    std::vector<std::vector<std::string>> keys;
    for (absl::string_view term : absl::StrSplit(line, " | ")) {
      std::vector<std::string> words;
      for (const std::string& w : Tokenize(std::string_view(term.data(), term.size()))) words.push_back(FoldPlural(w));
      if (words.empty()) continue;
      std::vector<std::string> term_keys;
      for (const std::string& w : words) term_keys.push_back(Key(w));
      if (!seen.insert(absl::StrJoin(term_keys, " ")).second) continue;
      set.push_back(std::move(words));
      keys.push_back(std::move(term_keys));
    }
    if (set.size() < 2) continue;  // nothing to expand to
    const auto set_id = static_cast<uint32_t>(t.sets_.size());
    for (uint32_t i = 0; i < keys.size(); ++i) {
      t.by_first_key_[keys[i][0]].push_back(Entry{std::move(keys[i]), set_id, i});
    }
    t.sets_.push_back(std::move(set));
  }
  return t;
}

std::optional<Thesaurus::Match> Thesaurus::LongestAt(absl::Span<const std::string> keys) const {
  if (keys.empty()) return std::nullopt;
  auto it = by_first_key_.find(keys[0]);
  if (it == by_first_key_.end()) return std::nullopt;
  std::optional<Match> best;
  for (const Entry& e : it->second) {
    if (e.keys.size() > keys.size() || (best && e.keys.size() <= best->words)) continue;
    if (std::equal(e.keys.begin(), e.keys.end(), keys.begin())) best = Match{e.keys.size(), e.set, e.term};
  }
  return best;
}

const Thesaurus& FieldThesaurus() {
  static const Thesaurus* const kThesaurus = new Thesaurus(Thesaurus::Parse(kThesaurusText));
  return *kThesaurus;
}

}  // namespace bibia::catalog
