// Dense ids for the distinct terms of a run of documents, looked up once per
// word while a receiver tokenizes the run: an open-addressed table with a
// cheap hash of the few bytes a word has, instead of a general string map.
#ifndef BIBIA_CATALOG_TERM_TABLE_H_
#define BIBIA_CATALOG_TERM_TABLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace bibia::catalog {

class TermTable {
 public:
  // The id of `term` (ids count from 0 in order of first sight) and whether
  // it is new. A new term is kept as the view `keep(term)` returns, which
  // must stay valid as long as the table; `term` itself need not.
  template <typename Keep>
  std::pair<uint32_t, bool> Insert(std::string_view term, Keep&& keep);

  size_t size() const { return terms_.size(); }
  std::string_view term(uint32_t id) const { return terms_[id].text; }

  static uint64_t Hash(std::string_view term);

 private:
  struct Term {
    std::string_view text;
    uint64_t hash;
  };
  size_t Find(std::string_view term, uint64_t hash) const;  // the slot of `term`, or of the empty slot it belongs in
  void Grow();

  std::vector<uint32_t> slots_ = std::vector<uint32_t>(1024, 0);  // id + 1; 0: empty
  std::vector<Term> terms_;
};

template <typename Keep>
std::pair<uint32_t, bool> TermTable::Insert(std::string_view term, Keep&& keep) {
  const uint64_t hash = Hash(term);
  size_t slot = Find(term, hash);
  if (slots_[slot] != 0) return {slots_[slot] - 1, false};
  const auto id = static_cast<uint32_t>(terms_.size());
  terms_.push_back(Term{keep(term), hash});
  slots_[slot] = id + 1;
  if (terms_.size() * 2 > slots_.size()) Grow();  // load at most a half: probes stay short
  return {id, true};
}

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_TERM_TABLE_H_
