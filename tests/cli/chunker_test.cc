#include "cli/chunker.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "access/signing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(rng() & 0xff);
  return s;
}

class ChunkerTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::vector<Chunk> Chunks(const std::string& bytes, std::string* whole = nullptr) {
    absl::StatusOr<std::vector<Chunk>> chunks = ChunkFile(Write("f", bytes), whole);
    EXPECT_TRUE(chunks.ok()) << chunks.status();
    return chunks.ok() ? *chunks : std::vector<Chunk>{};
  }
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bibia-chunker-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// Chunks tile the file: consecutive, sized within bounds, hashes of their bytes.
void ExpectTiles(const std::string& bytes, const std::vector<Chunk>& chunks) {
  uint64_t offset = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].offset, offset);
    EXPECT_LE(chunks[i].size, kMaxChunk);
    if (i + 1 < chunks.size()) {
      EXPECT_GE(chunks[i].size, kMinChunk);
    }
    EXPECT_EQ(chunks[i].sha256, Sha256Of(bytes.data() + offset, chunks[i].size));
    offset += chunks[i].size;
  }
  EXPECT_EQ(offset, bytes.size());
}

TEST_F(ChunkerTest, EmptyFileHasNoChunkAndTheEmptyHash) {
  std::string whole;
  EXPECT_THAT(Chunks("", &whole), ::testing::IsEmpty());
  EXPECT_EQ(access::Hex(whole), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(ChunkerTest, OneByte) {
  std::string whole;
  const std::vector<Chunk> chunks = Chunks("a", &whole);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].size, 1u);
  EXPECT_EQ(access::Hex(chunks[0].sha256), "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
  EXPECT_EQ(whole, chunks[0].sha256);
}

TEST_F(ChunkerTest, ExactlyMinAndMaxSizes) {
  for (size_t size : {kMinChunk, kMinChunk + 1, kMaxChunk}) {
    const std::string bytes = RandomBytes(size, 7);
    const std::vector<Chunk> chunks = Chunks(bytes);
    ExpectTiles(bytes, chunks);
    if (size == kMinChunk) {
      EXPECT_EQ(chunks.size(), 1u);
    }
  }
  EXPECT_EQ(FindCut(nullptr, 0), 0u);
  const std::string zeros(2 * kMaxChunk, '\0');
  EXPECT_LE(FindCut(reinterpret_cast<const uint8_t*>(zeros.data()), zeros.size()), kMaxChunk);
}

TEST_F(ChunkerTest, RandomDataAveragesNearTheTarget) {
  const std::string bytes = RandomBytes(16 << 20, 1);
  const std::vector<Chunk> chunks = Chunks(bytes);
  ExpectTiles(bytes, chunks);
  const double average = static_cast<double>(bytes.size()) / chunks.size();
  EXPECT_GT(average, kAverageChunk * 0.6);
  EXPECT_LT(average, kAverageChunk * 1.5);
}

TEST_F(ChunkerTest, RepeatedContentGivesRepeatedChunks) {
  const std::string block = RandomBytes(1 << 20, 3);
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes += block;
  const std::vector<Chunk> chunks = Chunks(bytes);
  ExpectTiles(bytes, chunks);
  std::set<std::string> distinct;
  for (const Chunk& c : chunks) distinct.insert(c.sha256);
  // Each repetition past the first resynchronises within a chunk or two.
  EXPECT_LT(distinct.size(), chunks.size() / 4);

  const std::vector<Chunk> zeros = Chunks(std::string(4 << 20, '\0'));
  std::set<std::string> distinct_zeros;
  for (const Chunk& c : zeros) distinct_zeros.insert(c.sha256);
  EXPECT_LE(distinct_zeros.size(), 2u);
}

TEST_F(ChunkerTest, BoundariesStableAfterAnInsertion) {
  const std::string bytes = RandomBytes(8 << 20, 5);
  const std::string inserted = bytes.substr(0, 3 << 20) + RandomBytes(1024, 9) + bytes.substr(3 << 20);
  const std::vector<Chunk> before = Chunks(bytes);
  const std::vector<Chunk> after = Chunks(inserted);
  ExpectTiles(inserted, after);
  std::set<std::string> old_hashes;
  for (const Chunk& c : before) old_hashes.insert(c.sha256);
  size_t new_bytes = 0;
  for (const Chunk& c : after) {
    if (!old_hashes.contains(c.sha256)) new_bytes += c.size;
  }
  // Only the chunk or two around the insertion change.
  EXPECT_LE(new_bytes, 3 * kMaxChunk);
  EXPECT_GT(new_bytes, 0u);
}

TEST_F(ChunkerTest, StreamingMatchesWholeBuffer) {
  // Larger than the read buffer: cuts across refills are the same as on the whole.
  const std::string bytes = RandomBytes(11 << 20, 11);
  std::string whole;
  const std::vector<Chunk> chunks = Chunks(bytes, &whole);
  size_t offset = 0;
  for (const Chunk& c : chunks) {
    const size_t rest = bytes.size() - offset;
    EXPECT_EQ(c.size, FindCut(reinterpret_cast<const uint8_t*>(bytes.data()) + offset, rest));
    offset += c.size;
  }
  EXPECT_EQ(whole, Sha256Of(bytes.data(), bytes.size()));
}

TEST_F(ChunkerTest, MissingFileIsNotFound) {
  EXPECT_EQ(ChunkFile((dir_ / "absent").string()).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace bibia::cli
