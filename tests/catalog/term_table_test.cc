#include "catalog/term_table.h"

#include <deque>
#include <map>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace bibia::catalog {
namespace {

// Keeps each new term in a deque (stable addresses), as GroupedTerms keeps them in blocks.
struct Keeper {
  std::deque<std::string> kept;
  std::string_view operator()(std::string_view term) { return kept.emplace_back(term); }
};

TEST(TermTableTest, IdsAreDenseInOrderOfFirstSight) {
  TermTable table;
  Keeper keep;
  EXPECT_EQ(table.Insert("eau", keep), std::make_pair(0u, true));
  EXPECT_EQ(table.Insert("cantine", keep), std::make_pair(1u, true));
  std::string again = "eau";  // another buffer, the same term
  EXPECT_EQ(table.Insert(again, keep), std::make_pair(0u, false));
  EXPECT_EQ(table.Insert("", keep), std::make_pair(2u, true));
  EXPECT_EQ(table.Insert("eaux", keep), std::make_pair(3u, true));
  EXPECT_EQ(table.size(), 4u);
  EXPECT_EQ(table.term(1), "cantine");
  EXPECT_EQ(keep.kept.size(), 4u);  // only new terms are kept
}

// Against a std::map through many growths, with terms of every length up to
// the tokenizer's longest and many sharing prefixes.
TEST(TermTableTest, AgreesWithAMapThroughGrowth) {
  TermTable table;
  Keeper keep;
  std::map<std::string, uint32_t> model;
  std::mt19937 rng(7);
  for (int i = 0; i < 60000; ++i) {
    std::string term = "prefixe-commun-" + std::to_string(rng() % 20000);
    term.resize(rng() % 65, 'x');
    const auto [id, inserted] = table.Insert(term, keep);
    const auto [it, model_inserted] = model.try_emplace(term, static_cast<uint32_t>(model.size()));
    ASSERT_EQ(inserted, model_inserted) << term;
    ASSERT_EQ(id, it->second) << term;
    ASSERT_EQ(table.term(id), term);
  }
  EXPECT_EQ(table.size(), model.size());
}

TEST(TermTableTest, HashTellsApartShortTermsAndLengths) {
  EXPECT_NE(TermTable::Hash("a"), TermTable::Hash("b"));
  EXPECT_NE(TermTable::Hash("ab"), TermTable::Hash("ba"));
  EXPECT_NE(TermTable::Hash(std::string_view("a\0", 2)), TermTable::Hash("a"));
  EXPECT_NE(TermTable::Hash("12345678"), TermTable::Hash("123456789"));
  EXPECT_EQ(TermTable::Hash(std::string("reseau")), TermTable::Hash("reseau"));
}

}  // namespace
}  // namespace bibia::catalog
