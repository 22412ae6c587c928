// Content-defined chunking (FastCDC: a gear rolling hash with normalized
// chunking, Xia et al., USENIX ATC 2016) of a file read as a stream, and the
// SHA-256 of each chunk. Cut points depend on the bytes near them only, so an
// insertion or a change moves the boundaries around it and no others: two
// versions of a file share most chunks. Design in docs/artifacts.md.
#ifndef BIBIA_CLI_CHUNKER_H_
#define BIBIA_CLI_CHUNKER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bibia::cli {

// Chunk sizes: about kAverageChunk on average, never below kMinChunk (but
// the file's last chunk) nor above kMaxChunk.
inline constexpr size_t kMinChunk = 16 << 10;
inline constexpr size_t kAverageChunk = 64 << 10;
inline constexpr size_t kMaxChunk = 256 << 10;

// The length of the first chunk of `data[0, size)`: `size` if it is at most
// kMinChunk, else the first cut point the gear hash finds, else
// min(size, kMaxChunk). REQUIRES: size >= kMaxChunk unless `data` ends where
// the file does (otherwise the cut may differ from the whole file's).
size_t FindCut(const uint8_t* data, size_t size);

// SHA-256 (OpenSSL EVP), incrementally.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  void Update(const void* data, size_t size);
  // The 32-byte digest; the hasher starts over.
  std::string Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// SHA-256 of `data` (32 raw bytes).
std::string Sha256Of(const void* data, size_t size);

struct Chunk {
  uint64_t offset = 0;
  uint32_t size = 0;
  std::string sha256;  // 32 raw bytes
};

// Reads a file once, front to back, cutting it into chunks; holds at most
// a few chunks' worth of bytes (never the whole file).
class FileChunker {
 public:
  // Opens `path`; NOT_FOUND / PERMISSION_DENIED name it.
  static absl::StatusOr<std::unique_ptr<FileChunker>> Open(const std::string& path);
  ~FileChunker();

  // The next chunk and its bytes (valid until the next call), or false at
  // the end of the file. Also feeds the whole-file hash.
  absl::StatusOr<bool> Next(Chunk* chunk, const uint8_t** data);
  // The SHA-256 of the whole file. REQUIRES: Next returned false.
  std::string WholeSha256() { return whole_.Finish(); }
  uint64_t bytes_read() const { return offset_; }

 private:
  FileChunker(int fd, std::string path);
  absl::Status Fill();

  int fd_;
  std::string path_;
  std::vector<uint8_t> buffer_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  uint64_t offset_ = 0;
  Sha256Hasher whole_;
};

// Chunks of a whole file (for tests and for --from, whose chunk list is all
// a pull keeps of it).
absl::StatusOr<std::vector<Chunk>> ChunkFile(const std::string& path, std::string* whole_sha256 = nullptr);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_CHUNKER_H_
