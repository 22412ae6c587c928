// Free space kept in reserve on the store's file system. Every write is
// admitted only if, once written, at least `reserve_bytes` stay free: the
// room RocksDB still needs for the flushes and compactions of writes already
// acknowledged, and what keeps the disk from filling under it (Debian's
// librocksdb 7.8.3 may abort in WritableFileWriter when it does). A refused
// write is RESOURCE_EXHAUSTED "disk nearly full: N MiB free, reserve R MiB"
// and writes nothing; writes are admitted again as soon as space returns.
//
// The free space is read (statvfs) at most every kRefreshInterval while it
// is far from the reserve, less what was admitted since; near the reserve
// it is read before every write. Thread-safe.
#ifndef BIBIA_CATALOG_DISK_RESERVE_H_
#define BIBIA_CATALOG_DISK_RESERVE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace bibia::catalog {

class DiskReserve {
 public:
  // Bytes free for the store (for tests: a fake file system's budget).
  using FreeBytesFn = std::function<absl::StatusOr<uint64_t>()>;
  // The bytes an unprivileged process may still write on the file system of
  // `dir` (statvfs: f_bavail * f_frsize).
  static FreeBytesFn FreeBytesOf(std::string dir);

  static constexpr std::chrono::milliseconds kRefreshInterval{100};
  // Within this much of the reserve, every admission reads the free space.
  static constexpr uint64_t kNearMargin = 64ull << 20;

  // A reserve of 0 admits everything without reading the free space.
  DiskReserve(uint64_t reserve_bytes, FreeBytesFn free_bytes);

  // OK if `bytes` can be written leaving the reserve free, and counts them;
  // else RESOURCE_EXHAUSTED. An unreadable free space is UNAVAILABLE.
  absl::Status Admit(uint64_t bytes);
  // Whether a write of `bytes` would be admitted, reading the free space now
  // (health checks: a write of kHealthBytes, a large project, so that a store
  // refusing writes is not reported healthy).
  static constexpr uint64_t kHealthBytes = 1ull << 20;
  absl::Status Check(uint64_t bytes = kHealthBytes);

  uint64_t reserve_bytes() const { return reserve_bytes_; }

  // Called with each fresh reading of the free space (under the reserve's
  // lock: it must not call back into it). Set before use.
  void set_on_read(std::function<void(uint64_t free)> on_read) { on_read_ = std::move(on_read); }

 private:
  absl::Status Refresh() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Refused(uint64_t free) const;

  const uint64_t reserve_bytes_;
  const FreeBytesFn free_bytes_;
  std::function<void(uint64_t)> on_read_;
  absl::Mutex mu_;
  uint64_t free_ ABSL_GUARDED_BY(mu_) = 0;  // as last read, less what was admitted since
  std::chrono::steady_clock::time_point read_at_ ABSL_GUARDED_BY(mu_){};
  bool read_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_DISK_RESERVE_H_
