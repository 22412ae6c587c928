// libFuzzer target: the search tokenizer runs over the public text of every
// project replicated from a peer, so it sees untrusted bytes. Whatever the
// input: folding ASCII must equal lower-casing it byte by byte (the fold
// works eight bytes at a time); every index term is a non-empty run of word
// bytes no longer than kMaxTokenBytes (it may equal a stop word once its
// plural is folded: "auxs" gives "aux", as at query time); a run's grouped terms
// (TermTable) weigh a document as the per-document term map does; and the
// term table agrees with a std::map.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "bibia/v1/project.pb.h"
#include "catalog/search_index.h"
#include "catalog/term_table.h"
#include "catalog/tokenizer.h"

namespace {

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<uint8_t>(c) >= 0x80;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bibia::catalog;
  const std::string input(reinterpret_cast<const char*>(data), size);

  bool ascii = true;
  std::string lowered = input;
  for (char& c : lowered) {
    ascii &= static_cast<uint8_t>(c) < 0x80;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (ascii && FoldText(input) != lowered) __builtin_trap();

  TermTable table;
  std::deque<std::string> kept;
  std::map<std::string, uint32_t> model;
  std::string scratch;
  ForEachIndexTerm(input, &scratch, [&](std::string_view term) {
    if (term.empty() || term.size() > kMaxTokenBytes) __builtin_trap();
    for (char c : term) {
      if (!IsWordByte(c)) __builtin_trap();
    }
    const auto [id, inserted] = table.Insert(term, [&](std::string_view t) { return std::string_view(kept.emplace_back(t)); });
    const auto [it, model_inserted] = model.try_emplace(std::string(term), static_cast<uint32_t>(model.size()));
    if (inserted != model_inserted || id != it->second || table.term(id) != term) __builtin_trap();
  });

  bibia::v1::ProjectPublic doc;
  doc.set_title_fr(input.substr(0, size / 3));
  doc.set_summary_fr(input);
  doc.add_tags(input.substr(size / 2));
  GroupedTerms grouped;
  if (grouped.AddDocument(0, doc) != ExtractTerms(doc).length) __builtin_trap();
  return 0;
}
