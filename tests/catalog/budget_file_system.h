// A rocksdb::FileSystem over the real one that runs out of space, as
// RocksDB's FaultInjectionTestEnv does: appends to any file spend a budget
// of bytes (a deleted file gives its bytes back); once it is spent, an
// append writes what still fits and fails with IOStatus::NoSpace, as
// write(2) does on a full disk. SetBudget gives space back; GetFreeSpace
// reports what is left. For tests only.
#ifndef BIBIA_TESTS_CATALOG_BUDGET_FILE_SYSTEM_H_
#define BIBIA_TESTS_CATALOG_BUDGET_FILE_SYSTEM_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "rocksdb/file_system.h"
#include "rocksdb/io_status.h"

namespace bibia::catalog {

class BudgetFileSystem : public rocksdb::FileSystemWrapper {
 public:
  static constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max() / 2;

  explicit BudgetFileSystem(std::shared_ptr<rocksdb::FileSystem> target = rocksdb::FileSystem::Default())
      : FileSystemWrapper(std::move(target)) {}

  const char* Name() const override { return "BibiaBudgetFileSystem"; }

  void SetBudget(int64_t bytes) { budget_.store(bytes); }
  int64_t budget() const { return std::max<int64_t>(budget_.load(), 0); }
  // Appends refused for want of space so far.
  int64_t refusals() const { return refusals_.load(); }

  // Takes up to `n` bytes of the budget; returns how many it got.
  size_t Take(size_t n) {
    int64_t left = budget_.load();
    for (;;) {
      const int64_t granted = std::clamp<int64_t>(left, 0, static_cast<int64_t>(n));
      if (budget_.compare_exchange_weak(left, left - granted)) {
        if (granted < static_cast<int64_t>(n)) ++refusals_;
        return static_cast<size_t>(granted);
      }
    }
  }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->NewWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->ReopenWritableFile(name, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    return Wrap(target()->ReuseWritableFile(name, old_name, options, result, dbg), result);
  }
  // A deleted file gives its bytes back, as on a disk.
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
    uint64_t size = 0;
    const bool sized = target()->GetFileSize(name, options, &size, dbg).ok();
    rocksdb::IOStatus deleted = target()->DeleteFile(name, options, dbg);
    if (deleted.ok() && sized) budget_.fetch_add(static_cast<int64_t>(size));
    return deleted;
  }
  rocksdb::IOStatus GetFreeSpace(const std::string&, const rocksdb::IOOptions&, uint64_t* free,
                                 rocksdb::IODebugContext*) override {
    *free = static_cast<uint64_t>(budget());
    return rocksdb::IOStatus::OK();
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, BudgetFileSystem* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      const size_t n = fs_->Take(data.size());
      if (n > 0) {
        rocksdb::IOStatus s = target()->Append(rocksdb::Slice(data.data(), n), options, dbg);
        if (!s.ok()) return s;
      }
      return n == data.size() ? rocksdb::IOStatus::OK() : rocksdb::IOStatus::NoSpace("injected: budget spent");
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo&, rocksdb::IODebugContext* dbg) override {
      return Append(data, options, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
      const size_t n = fs_->Take(data.size());
      if (n > 0) {
        rocksdb::IOStatus s = target()->PositionedAppend(rocksdb::Slice(data.data(), n), offset, options, dbg);
        if (!s.ok()) return s;
      }
      return n == data.size() ? rocksdb::IOStatus::OK() : rocksdb::IOStatus::NoSpace("injected: budget spent");
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& options,
                                       const rocksdb::DataVerificationInfo&, rocksdb::IODebugContext* dbg) override {
      return PositionedAppend(data, offset, options, dbg);
    }

   private:
    BudgetFileSystem* fs_;
  };

  rocksdb::IOStatus Wrap(rocksdb::IOStatus opened, std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (opened.ok()) *result = std::make_unique<File>(std::move(*result), this);
    return opened;
  }

  std::atomic<int64_t> budget_{kUnlimited};
  std::atomic<int64_t> refusals_{0};
};

}  // namespace bibia::catalog

#endif  // BIBIA_TESTS_CATALOG_BUDGET_FILE_SYSTEM_H_
