// The hashes that chain and sign log entries: EntryHash and
// EntryHashOfSerialized must give exactly the hash of the entry serialized
// without its payload and signature, as every node computes it, whatever
// fields are set; malformed bytes are refused, never hashed. And the in-place
// reading of serialized entries (LogEntryView) that receivers rely on.
#include <openssl/evp.h>

#include <random>
#include <string>

#include "catalog/log_entry_view.h"
#include "catalog/log_writer.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"

namespace bibia::catalog {
namespace {

// The definition, spelled out the slow way: copy, clear, serialize, hash.
std::string ReferenceEntryHash(const v1::LogEntry& entry) {
  v1::LogEntry covered = entry;
  covered.clear_payload();
  covered.clear_signature();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    covered.SerializeToCodedStream(&out);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string RandomBytes(std::mt19937_64* rng, size_t max) {
  std::string s(std::uniform_int_distribution<size_t>(0, max)(*rng), '\0');
  for (char& c : s) c = static_cast<char>((*rng)() & 0xff);
  return s;
}

v1::LogEntry RandomEntry(std::mt19937_64& rng) {
  v1::LogEntry e;
  const auto maybe = [&](auto set) {
    if (rng() % 3 != 0) set();
  };
  maybe([&] {
    std::string origin = RandomBytes(&rng, 20);
    for (char& c : origin) c = static_cast<char>(c & 0x7f);  // node ids are ASCII
    e.set_origin(origin);
  });
  maybe([&] { e.set_tier(static_cast<v1::Tier>(rng() % 4)); });
  maybe([&] { e.set_seq(rng() >> (rng() % 64)); });
  maybe([&] { e.set_hlc_time(static_cast<int64_t>(rng()) >> (rng() % 64)); });
  maybe([&] { e.set_key(RandomBytes(&rng, 90)); });
  maybe([&] { e.set_payload(RandomBytes(&rng, 3000)); });  // lengths over one varint byte too
  maybe([&] { e.set_tombstone(rng() % 2); });
  maybe([&] { e.set_prev_hash(RandomBytes(&rng, 32)); });
  maybe([&] { e.set_signature(RandomBytes(&rng, 64)); });
  maybe([&] { e.set_payload_hash(RandomBytes(&rng, 32)); });
  maybe([&] { e.set_redaction(rng() % 2); });
  return e;
}

TEST(LogHashTest, MatchesTheDefinitionForAnyCombinationOfFields) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const v1::LogEntry e = RandomEntry(rng);
    const std::string expected = ReferenceEntryHash(e);
    ASSERT_EQ(EntryHash(e), expected) << e.ShortDebugString();
    auto from_bytes = EntryHashOfSerialized(e.SerializeAsString());
    ASSERT_TRUE(from_bytes.ok()) << from_bytes.status();
    ASSERT_EQ(*from_bytes, expected) << e.ShortDebugString();
  }
}

TEST(LogHashTest, PayloadAndSignatureAreNotCoveredButEverythingElseIs) {
  v1::LogEntry e;
  e.set_origin("nantes");
  e.set_seq(7);
  e.set_payload("one payload");
  e.set_payload_hash(Sha256("one payload"));
  const std::string hash = EntryHash(e);
  EXPECT_EQ(hash.size(), 32u);
  v1::LogEntry other = e;
  other.set_payload("another payload");
  other.set_signature("a signature");
  EXPECT_EQ(EntryHash(other), hash);
  other = e;
  other.set_seq(8);
  EXPECT_NE(EntryHash(other), hash);
  other = e;
  other.set_payload_hash(Sha256("another payload"));
  EXPECT_NE(EntryHash(other), hash);
}

TEST(LogHashTest, MalformedBytesAreRefused) {
  v1::LogEntry e;
  e.set_origin("nantes");
  e.set_payload(std::string(300, 'x'));
  const std::string good = e.SerializeAsString();
  for (size_t cut = 1; cut < good.size(); cut += 37) {
    EXPECT_EQ(EntryHashOfSerialized(good.substr(0, cut)).status().code(), absl::StatusCode::kDataLoss) << cut;
  }
  EXPECT_EQ(EntryHashOfSerialized(std::string("\x0b", 1)).status().code(), absl::StatusCode::kDataLoss);  // group
  EXPECT_EQ(EntryHashOfSerialized(std::string(11, '\xff')).status().code(), absl::StatusCode::kDataLoss);
}

TEST(LogEntryViewTest, ReadsWhatTheMessageParses) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    const v1::LogEntry e = RandomEntry(rng);
    const std::string bytes = e.SerializeAsString();
    auto view = ParseLogEntryView(bytes);
    ASSERT_TRUE(view.ok()) << view.status() << " " << e.ShortDebugString();
    EXPECT_EQ(view->origin, e.origin());
    EXPECT_EQ(view->tier, e.tier());
    EXPECT_EQ(view->seq, e.seq());
    EXPECT_EQ(view->hlc_time, e.hlc_time());
    EXPECT_EQ(view->key, e.key());
    EXPECT_EQ(view->payload, e.payload());
    EXPECT_EQ(view->tombstone, e.tombstone());
    EXPECT_EQ(view->prev_hash, e.prev_hash());
    EXPECT_EQ(view->signature, e.signature());
    EXPECT_EQ(view->payload_hash, e.payload_hash());
    EXPECT_EQ(view->redaction, e.redaction());
    EXPECT_EQ(EntryHashOfView(bytes, *view), ReferenceEntryHash(e));
  }
}

// What a relay could try: bytes that parse as an entry but are not the
// entry's own serialization.
TEST(LogEntryViewTest, RefusesAnythingButTheCanonicalForm) {
  v1::LogEntry e;
  e.set_origin("nantes");
  e.set_tier(v1::TIER_PUBLIC);
  e.set_seq(3);
  e.set_key("Pp1");
  e.set_payload("the payload");
  e.set_payload_hash(Sha256("the payload"));
  const std::string good = e.SerializeAsString();
  ASSERT_TRUE(ParseLogEntryView(good).ok());

  v1::LogEntry second_payload;
  second_payload.set_payload("another payload");
  const auto code = [](const std::string& bytes) { return ParseLogEntryView(bytes).status().code(); };
  EXPECT_EQ(code(good + second_payload.SerializeAsString()), absl::StatusCode::kDataLoss) << "a second payload";
  v1::LogEntry origin_only;
  origin_only.set_origin("rennes");
  EXPECT_EQ(code(origin_only.SerializeAsString() + good), absl::StatusCode::kDataLoss) << "a repeated field";
  EXPECT_EQ(code(good + std::string("\x60\x01", 2)), absl::StatusCode::kDataLoss) << "an unknown field 12";
  EXPECT_EQ(code(std::string("\x12\x01", 2) + good.substr(0)), absl::StatusCode::kDataLoss) << "tier as bytes";
  for (size_t cut = 1; cut < good.size(); cut += 5) {
    if (ParseLogEntryView(good.substr(0, cut)).ok()) continue;  // a cut between fields is a shorter entry
    EXPECT_EQ(code(good.substr(0, cut)), absl::StatusCode::kDataLoss) << cut;
  }
  EXPECT_EQ(code(std::string(11, '\xff')), absl::StatusCode::kDataLoss);
  EXPECT_EQ(code(good + std::string("\x58\x00", 2)), absl::StatusCode::kDataLoss) << "redaction = false written out";
  EXPECT_EQ(code(good + std::string("\x58\x02", 2)), absl::StatusCode::kDataLoss) << "redaction = 2";
  EXPECT_EQ(code(std::string("\x0a\x02\xc3\xa9", 4)), absl::StatusCode::kDataLoss) << "a non-ASCII origin";
  EXPECT_EQ(code(std::string("\x10\xff\xff\xff\xff\x0f", 6)), absl::StatusCode::kDataLoss) << "tier 2^32 - 1";
  // Found by tests/fuzz/log_entry_fuzzer.cc: a tenth varint byte with bits past the 64th.
  EXPECT_EQ(code(std::string("\x18\xa9\xa9\xa9\xa9\xa9\xa9\xfd\xa9\xfd\x0a", 11)), absl::StatusCode::kDataLoss);
  v1::LogEntry seq_only;
  seq_only.set_seq(3);
  ASSERT_EQ(seq_only.SerializeAsString(), std::string("\x18\x03", 2));
  EXPECT_TRUE(ParseLogEntryView(std::string("\x18\x03", 2)).ok());
  EXPECT_EQ(code(std::string("\x18\x83\x00", 3)), absl::StatusCode::kDataLoss) << "seq 3 in two bytes";
  v1::LogEntry big;
  big.set_seq(128);
  big.set_hlc_time(-1);
  EXPECT_TRUE(ParseLogEntryView(big.SerializeAsString()).ok()) << "two-byte and ten-byte varints";
}

TEST(LogHashTest, Sha256OfKnownInputs) {
  // FIPS 180-2 test vector "abc", and the empty string.
  EXPECT_EQ(Sha256("abc"), std::string("\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d\xae\x22\x23"
                                       "\xb0\x03\x61\xa3\x96\x17\x7a\x9c\xb4\x10\xff\x61\xf2\x00\x15\xad",
                                       32));
  EXPECT_EQ(Sha256(""), std::string("\xe3\xb0\xc4\x42\x98\xfc\x1c\x14\x9a\xfb\xf4\xc8\x99\x6f\xb9\x24"
                                    "\x27\xae\x41\xe4\x64\x9b\x93\x4c\xa4\x95\x99\x1b\x78\x52\xb8\x55",
                                    32));
}

}  // namespace
}  // namespace bibia::catalog
