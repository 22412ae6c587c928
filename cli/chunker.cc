#include "cli/chunker.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "openssl/evp.h"

namespace bibia::cli {
namespace {

// The gear table: 256 pseudo-random 64-bit values (splitmix64 from a fixed
// seed), part of the chunk format: changing it changes every cut point.
constexpr std::array<uint64_t, 256> MakeGear() {
  std::array<uint64_t, 256> gear{};
  uint64_t state = 0x62696269612d6364ull;  // "bibia-cd"
  for (uint64_t& g : gear) {
    state += 0x9e3779b97f4a7c15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    g = z ^ (z >> 31);
  }
  return gear;
}
constexpr std::array<uint64_t, 256> kGear = MakeGear();

// Normalized chunking (level 2): before the normal point a cut needs 18
// zero bits (harder than log2(64 KiB) = 16), after it 14 (easier), which
// narrows the size distribution around the average. The hash shifts left,
// so its top bits depend on the last 64 bytes: those are the bits tested.
constexpr uint64_t TopBits(int n) { return ~0ull << (64 - n); }
constexpr uint64_t kMaskSmall = TopBits(18);
constexpr uint64_t kMaskLarge = TopBits(14);

// Where the harder mask gives way to the easier one. With the minimum
// skipped, cuts after this point come about 12 KiB later on average: at
// 52 KiB the mean chunk is 64.0 KiB on random data (73 KiB with the point at
// 64 KiB), which is what the chunk size was chosen for.
constexpr size_t kNormalPoint = 52 << 10;

constexpr size_t kReadBytes = 4 << 20;

}  // namespace

size_t FindCut(const uint8_t* data, size_t size) {
  if (size <= kMinChunk) return size;
  if (size > kMaxChunk) size = kMaxChunk;
  const size_t normal = size < kNormalPoint ? size : kNormalPoint;
  uint64_t hash = 0;
  size_t i = kMinChunk;  // cut-point skipping: no boundary before the minimum
  for (; i < normal; ++i) {
    hash = (hash << 1) + kGear[data[i]];
    if ((hash & kMaskSmall) == 0) return i + 1;
  }
  for (; i < size; ++i) {
    hash = (hash << 1) + kGear[data[i]];
    if ((hash & kMaskLarge) == 0) return i + 1;
  }
  return size;
}

struct Sha256Hasher::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256Hasher::Sha256Hasher() : ctx_(std::make_unique<Ctx>()) { EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr); }
Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_->md, data, size); }

std::string Sha256Hasher::Finish() {
  std::string digest(32, '\0');
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_->md, reinterpret_cast<unsigned char*>(digest.data()), &length);
  EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr);
  return digest;
}

std::string Sha256Of(const void* data, size_t size) {
  std::string digest(32, '\0');
  unsigned int length = 0;
  EVP_Digest(data, size, reinterpret_cast<unsigned char*>(digest.data()), &length, EVP_sha256(), nullptr);
  return digest;
}

absl::StatusOr<std::unique_ptr<FileChunker>> FileChunker::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    const std::string message = absl::StrCat(path, ": ", std::strerror(error));
    if (error == ENOENT) return absl::NotFoundError(message);
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::FailedPreconditionError(message);
  }
  return std::unique_ptr<FileChunker>(new FileChunker(fd, path));
}

FileChunker::FileChunker(int fd, std::string path) : fd_(fd), path_(std::move(path)), buffer_(kReadBytes + kMaxChunk) {}
FileChunker::~FileChunker() { ::close(fd_); }

absl::Status FileChunker::Fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  while (!eof_ && end_ < buffer_.size()) {
    const ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::DataLossError(absl::StrCat(path_, ": read: ", std::strerror(errno)));
    }
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> FileChunker::Next(Chunk* chunk, const uint8_t** data) {
  if (end_ - begin_ < kMaxChunk && !eof_) {
    if (absl::Status s = Fill(); !s.ok()) return s;
  }
  if (begin_ == end_) return false;
  const size_t size = FindCut(buffer_.data() + begin_, end_ - begin_);
  *data = buffer_.data() + begin_;
  chunk->offset = offset_;
  chunk->size = static_cast<uint32_t>(size);
  chunk->sha256 = Sha256Of(*data, size);
  whole_.Update(*data, size);
  begin_ += size;
  offset_ += size;
  return true;
}

absl::StatusOr<std::vector<Chunk>> ChunkFile(const std::string& path, std::string* whole_sha256) {
  absl::StatusOr<std::unique_ptr<FileChunker>> chunker = FileChunker::Open(path);
  if (!chunker.ok()) return chunker.status();
  std::vector<Chunk> chunks;
  Chunk chunk;
  const uint8_t* data = nullptr;
  while (true) {
    absl::StatusOr<bool> more = (*chunker)->Next(&chunk, &data);
    if (!more.ok()) return more.status();
    if (!*more) break;
    chunks.push_back(chunk);
  }
  if (whole_sha256 != nullptr) *whole_sha256 = (*chunker)->WholeSha256();
  return chunks;
}

}  // namespace bibia::cli
