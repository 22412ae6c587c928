#include "catalog/posting_list.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Encode(const std::vector<Posting>& postings) {
  std::string out;
  for (const Posting& p : postings) AppendPosting(&out, p);
  return out;
}

std::vector<Posting> Decode(std::string_view bytes) {
  std::vector<Posting> out;
  EXPECT_TRUE(DecodePostings(bytes, &out));
  return out;
}

std::string EncodeOperand(const std::vector<Posting>& postings) {
  OperandBuilder builder;
  for (const Posting& p : postings) builder.Add(p);
  return std::string(builder.Finish());
}

std::vector<Posting> DecodeOp(std::string_view bytes) {
  std::vector<Posting> out;
  EXPECT_TRUE(DecodeOperand(bytes, &out));
  return out;
}

// Operand `i` is in the compact encoding unless `fixed_every` divides i + 1
// (0: all compact): stores hold operands of both.
std::vector<Posting> Merge(const std::vector<Posting>& base, const std::vector<std::vector<Posting>>& operands,
                           size_t fixed_every = 0) {
  std::vector<std::string> encoded;
  for (const auto& op : operands) {
    const bool fixed = fixed_every != 0 && (encoded.size() + 1) % fixed_every == 0;
    encoded.push_back(fixed ? Encode(op) : EncodeOperand(op));
  }
  std::vector<std::string_view> views(encoded.begin(), encoded.end());
  return Decode(MergePostings(Encode(base), views));
}

TEST(PostingEncodingTest, RoundTripsAndRejectsBadSizes) {
  const std::vector<Posting> postings = {{0, 1}, {7, 3}, {0xffffffff, 0x12345678}};
  const std::string bytes = Encode(postings);
  EXPECT_EQ(bytes.size(), 3 * kPostingBytes);
  EXPECT_THAT(Decode(bytes), ElementsAre(Posting{0, 1}, Posting{7, 3}, Posting{0xffffffff, 0x12345678}));
  std::vector<Posting> out;
  EXPECT_FALSE(DecodePostings(bytes.substr(0, 9), &out));
  EXPECT_TRUE(DecodePostings("", &out));
  EXPECT_THAT(out, IsEmpty());
  PostingView view(bytes);
  ASSERT_EQ(view.size(), 3u);
  EXPECT_EQ(view.at(1), (Posting{7, 3}));
}

TEST(OperandEncodingTest, RoundTripsInAnyOrderAndIsSmall) {
  const std::vector<Posting> postings = {{5, 1}, {6, 3}, {2, 0}, {0xffffffff, 0xffffffff}, {0, 7}, {9, 1}};
  EXPECT_EQ(DecodeOp(EncodeOperand(postings)), postings);
  EXPECT_THAT(DecodeOp(EncodeOperand({})), IsEmpty());
  // Consecutive docs, small frequencies (a synced run): 2 bytes a posting.
  std::vector<Posting> run;
  for (uint32_t d = 1000; d < 1100; ++d) run.push_back({d, 3});
  EXPECT_LE(EncodeOperand(run).size(), 2 * run.size() + 4);
}

TEST(OperandEncodingTest, SizeIsNeverAMultipleOfEight) {
  // The size tells the encodings apart: every length of content is padded off it.
  std::vector<Posting> postings;
  for (uint32_t n = 0; n < 40; ++n) {
    const std::string bytes = EncodeOperand(postings);
    EXPECT_NE(bytes.size() % kPostingBytes, 0u) << n << " postings";
    EXPECT_EQ(DecodeOp(bytes), postings);
    postings.push_back({n * 37, n % 5});
  }
}

TEST(OperandEncodingTest, DecodesTheFixedEncodingOfOlderStores) {
  EXPECT_THAT(DecodeOp(Encode({{7, 2}, {3, 1}})), ElementsAre(Posting{7, 2}, Posting{3, 1}));
}

TEST(OperandEncodingTest, RejectsMalformedOperandsWithoutPartialOutput) {
  std::string good = EncodeOperand({{1, 1}, {2, 2}});
  std::vector<std::string> bad = {
      good.substr(0, good.size() - 1) + '\3',  // trailer length out of range
      good.substr(0, good.size() - 1) + '\0',  // trailer length 0
      std::string("\x80\x80\x80\x80\x80\x01\x01", 7),  // varint past 33 bits (size 7)
      std::string("\x03\x01\x01", 3),  // doc -2: before 0
      std::string("\x02\x81\x01", 3),  // last varint unterminated inside the body
  };
  for (const std::string& b : bad) {
    std::vector<Posting> out = {{9, 9}};
    EXPECT_FALSE(DecodeOperand(b, &out)) << absl::CEscape(b);
    EXPECT_THAT(out, ElementsAre(Posting{9, 9}));
  }
}

TEST(MergePostingsTest, InsertsIntoEmptyAndExistingLists) {
  EXPECT_THAT(Merge({}, {{{5, 2}, {1, 3}}}), ElementsAre(Posting{1, 3}, Posting{5, 2}));
  EXPECT_THAT(Merge({{2, 1}, {8, 1}}, {{{5, 4}}, {{1, 1}, {9, 2}}}),
              ElementsAre(Posting{1, 1}, Posting{2, 1}, Posting{5, 4}, Posting{8, 1}, Posting{9, 2}));
}

TEST(MergePostingsTest, ReplacesExistingPosting) {
  EXPECT_THAT(Merge({{2, 1}, {8, 1}}, {{{8, 6}}}), ElementsAre(Posting{2, 1}, Posting{8, 6}));
}

TEST(MergePostingsTest, RemovesWithZeroFrequency) {
  EXPECT_THAT(Merge({{2, 1}, {8, 1}, {9, 9}}, {{{8, 0}}}), ElementsAre(Posting{2, 1}, Posting{9, 9}));
  EXPECT_THAT(Merge({{2, 1}}, {{{2, 0}}}), IsEmpty());
}

TEST(MergePostingsTest, LaterOperandWins) {
  EXPECT_THAT(Merge({}, {{{3, 1}}, {{3, 7}}}), ElementsAre(Posting{3, 7}));
  EXPECT_THAT(Merge({{3, 1}}, {{{3, 0}}, {{3, 5}}}), ElementsAre(Posting{3, 5}));  // removed, then re-added
  EXPECT_THAT(Merge({{3, 1}}, {{{3, 5}}, {{3, 0}}}), IsEmpty());                 // added, then removed
  // Within one operand, the later posting of a doc wins too.
  EXPECT_THAT(Merge({}, {{{4, 1}, {4, 2}}}), ElementsAre(Posting{4, 2}));
}

TEST(MergePostingsTest, RemovingUnknownDocIsHarmless) {
  EXPECT_THAT(Merge({{2, 1}, {8, 1}}, {{{5, 0}, {100, 0}, {0, 0}}}), ElementsAre(Posting{2, 1}, Posting{8, 1}));
  EXPECT_THAT(Merge({}, {{{5, 0}}}), IsEmpty());
}

TEST(MergePostingsTest, IgnoresMalformedOperand) {
  std::string good = Encode({{1, 1}});
  std::string bad = "abc";  // not a multiple of 8 bytes
  EXPECT_THAT(Decode(MergePostings(Encode({{0, 2}}), {bad, good})), ElementsAre(Posting{0, 2}, Posting{1, 1}));
}

// Reference model: a map from doc to tf, operands applied in order.
TEST(MergePostingsTest, MatchesReferenceModelOnRandomInput) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 300; ++round) {
    std::map<uint32_t, uint32_t> model;
    std::uniform_int_distribution<uint32_t> doc(0, 60), tf(0, 4);
    for (int i = 0; i < 30; ++i) {
      uint32_t t = tf(rng);
      if (t != 0) model[doc(rng)] = t;
    }
    std::vector<Posting> base;
    for (auto [d, t] : model) base.push_back({d, t});
    std::vector<std::vector<Posting>> operands(rng() % 5);
    for (auto& op : operands) {
      op.resize(rng() % 10);
      for (Posting& p : op) p = {doc(rng), tf(rng)};
      for (const Posting& p : op) {
        if (p.tf == 0) model.erase(p.doc); else model[p.doc] = p.tf;
      }
    }
    std::vector<Posting> expected;
    for (auto [d, t] : model) expected.push_back({d, t});
    ASSERT_EQ(Merge(base, operands), expected) << "round " << round;
    ASSERT_EQ(Merge(base, operands, /*fixed_every=*/2), expected) << "round " << round << ", mixed encodings";
  }
}

// LowerBound must agree with std::lower_bound from any starting point.
TEST(PostingViewTest, LowerBoundMatchesBruteForce) {
  std::mt19937 rng(987654321);
  for (int round = 0; round < 400; ++round) {
    const size_t n = rng() % 200;
    std::vector<uint32_t> docs;
    uint32_t d = rng() % 5;
    for (size_t i = 0; i < n; ++i) {
      docs.push_back(d);
      d += 1 + rng() % (round % 2 == 0 ? 3 : 50);  // dense and sparse lists
    }
    std::vector<Posting> postings;
    for (uint32_t doc : docs) postings.push_back({doc, 1});
    const std::string bytes = Encode(postings);
    PostingView view(bytes);
    ASSERT_EQ(view.size(), n);
    const uint32_t max_doc = docs.empty() ? 10 : docs.back() + 3;
    for (int q = 0; q < 50; ++q) {
      const uint32_t target = rng() % (max_doc + 1);
      const size_t from = n == 0 ? 0 : rng() % (n + 1);
      size_t expected = std::lower_bound(docs.begin() + from, docs.end(), target) - docs.begin();
      ASSERT_EQ(view.LowerBound(target, from), expected)
          << "round " << round << " n " << n << " target " << target << " from " << from;
    }
    // Forward-only use as in search: ascending targets with a moving cursor.
    size_t pos = 0;
    for (uint32_t target = 0; target <= max_doc; target += 1 + rng() % 7) {
      pos = view.LowerBound(target, pos);
      size_t expected = std::lower_bound(docs.begin(), docs.end(), target) - docs.begin();
      ASSERT_EQ(pos, expected) << "round " << round << " target " << target;
    }
  }
}

TEST(PostingViewTest, LowerBoundEdgeCases) {
  const std::string bytes = Encode({{2, 1}, {4, 1}, {6, 1}});
  PostingView view(bytes);
  EXPECT_EQ(view.LowerBound(0, 0), 0u);
  EXPECT_EQ(view.LowerBound(2, 0), 0u);
  EXPECT_EQ(view.LowerBound(3, 0), 1u);
  EXPECT_EQ(view.LowerBound(6, 0), 2u);
  EXPECT_EQ(view.LowerBound(7, 0), 3u);
  EXPECT_EQ(view.LowerBound(0, 2), 2u);  // never moves backwards
  EXPECT_EQ(view.LowerBound(1, 3), 3u);
  EXPECT_EQ(view.LowerBound(1, 10), 10u);  // `from` past the end is returned as is
  EXPECT_EQ(PostingView("").LowerBound(5, 0), 0u);
}

TEST(PostingMergeOperatorTest, HasStableName) {
  auto op = NewPostingMergeOperator();
  ASSERT_NE(op, nullptr);
  EXPECT_STREQ(op->Name(), "bibia.PostingMergeOperator");
}

// RocksDB may combine operands with PartialMergeMulti before the full merge;
// the result must be the same as merging every operand into the base at once
// (in particular a removal must survive partial merging to cancel a base doc).
TEST(PostingMergeOperatorTest, PartialThenFullMergeEqualsFullMerge) {
  auto op = NewPostingMergeOperator();
  std::mt19937 rng(31337);
  std::uniform_int_distribution<uint32_t> doc(0, 40), tf(0, 3);
  for (int round = 0; round < 200; ++round) {
    std::vector<Posting> base_postings;
    for (uint32_t d = 0; d < 40; d += static_cast<uint32_t>(1 + rng() % 4)) base_postings.push_back({d, static_cast<uint32_t>(1 + rng() % 3)});
    const std::string base = Encode(base_postings);
    std::vector<std::string> operands(2 + rng() % 5);
    for (std::string& operand : operands) {
      std::vector<Posting> postings(1 + rng() % 6);
      for (Posting& p : postings) p = {doc(rng), tf(rng)};
      operand = rng() % 3 == 0 ? Encode(postings) : EncodeOperand(postings);
    }
    std::vector<std::string_view> all(operands.begin(), operands.end());
    const std::string expected = MergePostings(base, all);

    // Partially merge the first k operands, then fully merge with the rest.
    const size_t k = 2 + rng() % (operands.size() - 1);
    std::deque<rocksdb::Slice> first;
    for (size_t i = 0; i < k && i < operands.size(); ++i) first.emplace_back(operands[i]);
    std::string partial;
    ASSERT_TRUE(op->PartialMergeMulti("tkey", first, &partial, nullptr));
    std::vector<rocksdb::Slice> rest = {partial};
    for (size_t i = k; i < operands.size(); ++i) rest.emplace_back(operands[i]);
    const rocksdb::Slice base_slice(base);
    const rocksdb::Slice key("tkey");
    std::string merged;
    rocksdb::Slice existing_operand;
    rocksdb::MergeOperator::MergeOperationInput in(key, &base_slice, rest, nullptr);
    rocksdb::MergeOperator::MergeOperationOutput out(merged, existing_operand);
    ASSERT_TRUE(op->FullMergeV2(in, &out));
    ASSERT_EQ(Decode(merged), Decode(expected)) << "round " << round;
  }
}

}  // namespace
}  // namespace bibia::catalog
