#include "catalog/disk_reserve.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace bibia::catalog {

DiskReserve::FreeBytesFn DiskReserve::FreeBytesOf(std::string dir) {
  return [dir = std::move(dir)]() -> absl::StatusOr<uint64_t> {
    struct statvfs fs;
    if (statvfs(dir.c_str(), &fs) != 0) {
      return absl::UnavailableError(absl::StrCat("store: cannot read the free space of its disk: ", strerror(errno)));
    }
    return static_cast<uint64_t>(fs.f_bavail) * static_cast<uint64_t>(fs.f_frsize);
  };
}

DiskReserve::DiskReserve(uint64_t reserve_bytes, FreeBytesFn free_bytes)
    : reserve_bytes_(reserve_bytes), free_bytes_(std::move(free_bytes)) {}

absl::Status DiskReserve::Refresh() {
  absl::StatusOr<uint64_t> free = free_bytes_();
  if (!free.ok()) return free.status();
  free_ = *free;
  read_at_ = std::chrono::steady_clock::now();
  read_ = true;
  if (on_read_) on_read_(free_);
  return absl::OkStatus();
}

absl::Status DiskReserve::Refused(uint64_t free) const {
  return absl::ResourceExhaustedError(absl::StrCat("disk nearly full: ", free >> 20, " MiB free, reserve ",
                                                   reserve_bytes_ >> 20, " MiB"));
}

absl::Status DiskReserve::Admit(uint64_t bytes) {
  if (reserve_bytes_ == 0) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  const bool stale = !read_ || std::chrono::steady_clock::now() - read_at_ >= kRefreshInterval;
  const bool near = free_ < reserve_bytes_ + bytes + kNearMargin;
  if (stale || near) {
    if (absl::Status read = Refresh(); !read.ok()) return read;
  }
  if (free_ < reserve_bytes_ + bytes) return Refused(free_);
  free_ -= bytes;
  return absl::OkStatus();
}

absl::Status DiskReserve::Check(uint64_t bytes) {
  if (reserve_bytes_ == 0) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  if (absl::Status read = Refresh(); !read.ok()) return read;
  return free_ < reserve_bytes_ + bytes ? Refused(free_) : absl::OkStatus();
}

}  // namespace bibia::catalog
