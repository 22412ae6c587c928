#include "catalog/keys.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::catalog {
namespace {


TEST(BigEndianTest, RoundTrips32And64) {
  for (uint32_t v : {0u, 1u, 0xffu, 0x100u, 0x12345678u, std::numeric_limits<uint32_t>::max()}) {
    std::string s;
    AppendBigEndian32(&s, v);
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(DecodeBigEndian32(s), v);
  }
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0x0102030405060708}, std::numeric_limits<uint64_t>::max()}) {
    std::string s;
    AppendBigEndian64(&s, v);
    ASSERT_EQ(s.size(), 8u);
    EXPECT_EQ(DecodeBigEndian64(s), v);
  }
  std::string s;
  AppendBigEndian32(&s, 0x01020304);
  EXPECT_EQ(s, std::string("\x01\x02\x03\x04", 4));
}

TEST(BigEndianTest, ByteOrderIsNumericOrder) {
  std::mt19937_64 rng(42);
  std::vector<uint64_t> values = {0, 1, 255, 256, 65535, 65536, uint64_t{1} << 32, ~uint64_t{0}};
  for (int i = 0; i < 500; ++i) values.push_back(rng() >> (rng() % 64));
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    const uint64_t a = values[i], b = values[i + 1];
    std::string ea, eb;
    AppendBigEndian64(&ea, a);
    AppendBigEndian64(&eb, b);
    EXPECT_EQ(a < b, ea < eb) << a << " vs " << b;
    EXPECT_EQ(a == b, ea == eb);
    std::string fa, fb;
    AppendBigEndian32(&fa, static_cast<uint32_t>(a));
    AppendBigEndian32(&fb, static_cast<uint32_t>(b));
    EXPECT_EQ(static_cast<uint32_t>(a) < static_cast<uint32_t>(b), fa < fb);
  }
}

TEST(LogKeyTest, RoundTrips) {
  for (const char* origin : {"local", "node-a", "", "x"}) {
    for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
      for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{256}, uint64_t{0x00ff00ff00ff00ff}, ~uint64_t{0}}) {
        std::optional<LogKeyParts> parts = ParseLogKey(LogKey(origin, tier, seq));
        ASSERT_TRUE(parts.has_value()) << origin << " " << tier << " " << seq;
        EXPECT_EQ(parts->origin, origin);
        EXPECT_EQ(parts->tier, tier);
        EXPECT_EQ(parts->seq, seq);
      }
    }
  }
}

TEST(LogKeyTest, LayoutIsOriginZeroTierSeq) {
  const std::string key = LogKey("ab", v1::TIER_RESTRICTED, 5);
  EXPECT_EQ(key, std::string("ab\0\x02\0\0\0\0\0\0\0\x05", 12));
  EXPECT_TRUE(key.starts_with(FrontierKey("ab", v1::TIER_RESTRICTED)));
}

TEST(LogKeyTest, RejectsMalformedKeys) {
  EXPECT_EQ(ParseLogKey(""), std::nullopt);
  EXPECT_EQ(ParseLogKey("no-separator-here"), std::nullopt);
  const std::string key = LogKey("local", v1::TIER_PUBLIC, 7);
  EXPECT_EQ(ParseLogKey(key.substr(0, key.size() - 1)), std::nullopt);  // short seq
  EXPECT_EQ(ParseLogKey(key + "x"), std::nullopt);                      // trailing byte
  EXPECT_EQ(ParseLogKey(FrontierKey("local", v1::TIER_PUBLIC)), std::nullopt);
}

TEST(LogKeyTest, SeqOrderIsByteOrderWithinOneLog) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> seqs = {0, 1, 2, 255, 256, 257, 65536, 1u << 31};
  for (int i = 0; i < 200; ++i) seqs.push_back(rng() >> (rng() % 64));
  std::vector<std::string> keys;
  for (uint64_t s : seqs) keys.push_back(LogKey("node", v1::TIER_PUBLIC, s));
  std::vector<std::string> by_bytes = keys;
  std::sort(by_bytes.begin(), by_bytes.end());
  std::sort(seqs.begin(), seqs.end());
  ASSERT_EQ(by_bytes.size(), seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(ParseLogKey(by_bytes[i])->seq, seqs[i]);
}

TEST(LogKeyTest, LogsOfOneOriginAndTierAreContiguous) {
  // Every key of (origin, tier) starts with its frontier key, and no key of
  // another origin or tier does, even when one origin is a prefix of another.
  const std::string prefix = FrontierKey("node", v1::TIER_PUBLIC);
  EXPECT_TRUE(LogKey("node", v1::TIER_PUBLIC, ~uint64_t{0}).starts_with(prefix));
  EXPECT_FALSE(LogKey("node", v1::TIER_RESTRICTED, 1).starts_with(prefix));
  EXPECT_FALSE(LogKey("node2", v1::TIER_PUBLIC, 1).starts_with(prefix));
  EXPECT_FALSE(LogKey("nod", v1::TIER_PUBLIC, 1).starts_with(prefix));
  // Sorted, all seqs of one log sit between its first and last possible keys.
  std::set<std::string> keys;
  for (const char* origin : {"nod", "node", "node2"}) {
    for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED}) {
      for (uint64_t seq : {uint64_t{1}, uint64_t{1000}, ~uint64_t{0}}) keys.insert(LogKey(origin, tier, seq));
    }
  }
  std::vector<std::string> in_log;
  bool seen = false, left = false;
  for (const std::string& k : keys) {
    const bool mine = k.starts_with(prefix);
    if (mine) {
      EXPECT_FALSE(left) << "log of (node, public) is not contiguous";
      seen = true;
      in_log.push_back(k);
    } else if (seen) {
      left = true;
    }
  }
  EXPECT_EQ(in_log.size(), 3u);
}

TEST(RecordKeyTest, KindByteThenId) {
  EXPECT_EQ(RecordKey(RecordKind::kPublic, "abc"), "Pabc");
  EXPECT_EQ(RecordKey(RecordKind::kRestricted, "abc"), "Rabc");
  EXPECT_EQ(RecordKey(RecordKind::kExpert, "abc"), "Eabc");
  EXPECT_EQ(FeedbackKey("abc", "local-r1"), "Fabc/local-r1");
  EXPECT_TRUE(FeedbackKey("abc", "x").starts_with(FeedbackPrefix("abc")));
}

TEST(FeedbackPrefixTest, ProjectRangeDoesNotContainLongerIds) {
  // Project "a"'s feedback range must not hold feedback of "ab", "a-b", "a0".
  const std::string prefix_a = FeedbackPrefix("a");
  for (const char* other : {"ab", "a-b", "a0", "aa", "b"}) {
    EXPECT_FALSE(FeedbackKey(other, "local-r1").starts_with(prefix_a)) << other;
    EXPECT_FALSE(FeedbackPrefix(other).starts_with(prefix_a)) << other;
  }
  EXPECT_TRUE(FeedbackKey("a", "local-r1").starts_with(prefix_a));

  // In sorted key order, "a"'s keys form one run not interleaved with others.
  std::set<std::string> keys;
  for (const char* project : {"a", "ab", "a-b", "a0", "b"}) {
    for (const char* fid : {"local-r1", "local-r2", "zz-r99"}) keys.insert(FeedbackKey(project, fid));
  }
  auto first = std::find_if(keys.begin(), keys.end(), [&](const std::string& k) { return k.starts_with(prefix_a); });
  ASSERT_NE(first, keys.end());
  int run = 0;
  for (auto it = first; it != keys.end() && it->starts_with(prefix_a); ++it) ++run;
  EXPECT_EQ(run, 3);
  EXPECT_EQ(std::count_if(keys.begin(), keys.end(), [&](const std::string& k) { return k.starts_with(prefix_a); }),
            3);
}

TEST(FeedbackIdTest, AnIdNamesItsOriginExactly) {
  EXPECT_TRUE(IsFeedbackIdOf("rennes-r57", "rennes"));
  EXPECT_TRUE(IsFeedbackIdOf("a-r1-r5", "a-r1"));
  EXPECT_FALSE(IsFeedbackIdOf("a-r1-r5", "a"));  // origin "a" cannot write "a-r1"'s ids
  EXPECT_FALSE(IsFeedbackIdOf("rennes-r", "rennes"));
  EXPECT_FALSE(IsFeedbackIdOf("rennes-x57", "rennes"));
  EXPECT_FALSE(IsFeedbackIdOf("rennes-r57", "renne"));
  EXPECT_FALSE(IsFeedbackIdOf("", "rennes"));
}

TEST(IndexKeysTest, PrefixesAreDistinct) {
  EXPECT_EQ(TermKey("eau"), "teau");
  EXPECT_EQ(TermKey("eau")[0], kTermPrefix);
  const std::string doc = DocKey(0x01020304);
  EXPECT_EQ(doc, std::string("d\x01\x02\x03\x04", 5));
  EXPECT_EQ(doc[0], kDocPrefix);
  EXPECT_EQ(DecodeBigEndian32(std::string_view(doc).substr(1)), 0x01020304u);
  // Doc keys sort by docnum.
  EXPECT_LT(DocKey(255), DocKey(256));
  EXPECT_LT(DocKey(1), DocKey(0x01000000));
}

TEST(FamilyNameTest, NamesAreDistinctAndMetaIsDefault) {
  std::set<std::string> names;
  for (int i = 0; i < kFamilyCount; ++i) names.insert(FamilyName(static_cast<Family>(i)));
  EXPECT_EQ(names.size(), static_cast<size_t>(kFamilyCount));
  EXPECT_STREQ(FamilyName(Family::kMeta), "default");
  EXPECT_STREQ(FamilyName(Family::kLog), "log");
}

}  // namespace
}  // namespace bibia::catalog
