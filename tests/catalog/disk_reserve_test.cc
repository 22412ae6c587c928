// The disk reserve: writes refused before the disk is full, with reads going
// on and writes resuming when space returns; with a fake free space, and on a
// small tmpfs when this process may mount one.
#include "catalog/disk_reserve.h"

#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kMiB = 1 << 20;

TEST(DiskReserveTest, AdmitsWhileTheReserveStaysFreeAndNamesBothFiguresWhenNot) {
  std::atomic<uint64_t> free{10 * kMiB};
  DiskReserve reserve(4 * kMiB, [&]() -> absl::StatusOr<uint64_t> { return free.load(); });
  EXPECT_THAT(reserve.Admit(5 * kMiB), IsOk());
  free = 5 * kMiB;
  EXPECT_THAT(reserve.Admit(2 * kMiB),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("disk nearly full: 5 MiB free, reserve 4 MiB")));
  EXPECT_THAT(reserve.Check(), IsOk());
  free = 3 * kMiB;
  EXPECT_THAT(reserve.Check(), StatusIs(absl::StatusCode::kResourceExhausted));
  free = 100 * kMiB;  // space returns: admitted at once
  EXPECT_THAT(reserve.Admit(2 * kMiB), IsOk());
  EXPECT_THAT(reserve.Check(), IsOk());
}

TEST(DiskReserveTest, NearTheReserveEveryWriteReadsTheFreeSpace) {
  int reads = 0;
  DiskReserve reserve(kMiB, [&]() -> absl::StatusOr<uint64_t> {
    ++reads;
    return 10 * kMiB;  // within kNearMargin of the reserve
  });
  for (int i = 0; i < 5; ++i) EXPECT_THAT(reserve.Admit(kMiB), IsOk());
  EXPECT_EQ(reads, 5);
}

TEST(DiskReserveTest, WhatIsAdmittedCountsUntilTheFreeSpaceIsReadAgain) {
  DiskReserve reserve(kMiB, []() -> absl::StatusOr<uint64_t> { return 1000 * kMiB; });
  EXPECT_THAT(reserve.Admit(2000 * kMiB), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(reserve.Admit(900 * kMiB), IsOk());
}

TEST(DiskReserveTest, NoReserveReadsNothing) {
  int reads = 0;
  DiskReserve reserve(0, [&]() -> absl::StatusOr<uint64_t> {
    ++reads;
    return 0;
  });
  EXPECT_THAT(reserve.Admit(kMiB), IsOk());
  EXPECT_THAT(reserve.Check(), IsOk());
  EXPECT_EQ(reads, 0);
}

TEST(DiskReserveTest, UnreadableFreeSpaceRefusesTheWrite) {
  DiskReserve reserve(kMiB, []() -> absl::StatusOr<uint64_t> { return absl::UnavailableError("store: no disk"); });
  EXPECT_THAT(reserve.Admit(1), StatusIs(absl::StatusCode::kUnavailable));
}

TEST(DiskReserveTest, StoreRefusesWritesKeepsReadsAndResumesWhenSpaceReturns) {
  ScopedTempDir dir;
  std::atomic<uint64_t> free{1000 * kMiB};
  Store::Options options;
  options.db.disk_reserve_bytes = 64 * kMiB;
  options.db.free_bytes = [&]() -> absl::StatusOr<uint64_t> { return free.load(); };
  auto store = Store::Open(dir.path(), options);
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->PutProject(MakeProject("p1", "Projet irrigation")), IsOk());
  EXPECT_THAT((*store)->Health(), IsOk());

  free = 60 * kMiB;
  // A health check reads the free space now (a write reads it again at most
  // 100 ms after the last reading, or before each write near the reserve).
  EXPECT_THAT((*store)->Health(), StatusIs(absl::StatusCode::kResourceExhausted));
  const absl::StatusOr<Store::PutResult> refused = (*store)->PutProject(MakeProject("p2", "Projet eau"));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("disk nearly full: 60 MiB free, reserve 64 MiB")));
  EXPECT_THAT(refused.status().message(), Not(HasSubstr(dir.path())));
  EXPECT_THAT((*store)->AddFeedback([] {
    v1::Feedback f;
    f.set_project_id("p1");
    f.set_kind(v1::FEEDBACK_KIND_LESSON);
    f.set_author_collectivity("Rennes Métropole");
    f.set_text("Retour");
    return f;
  }()),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT((*store)->Health(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT((*store)->GetProject("p1"), IsOk());  // reads go on
  EXPECT_THAT((*store)->GetProject("p2"), StatusIs(absl::StatusCode::kNotFound));

  free = 1000 * kMiB;
  EXPECT_THAT((*store)->Health(), IsOk());
  EXPECT_THAT((*store)->PutProject(MakeProject("p2", "Projet eau")), IsOk());
  EXPECT_THAT((*store)->GetProject("p2"), IsOk());
}

// A tmpfs of its own, unmounted at the end; empty path if mounting is not
// allowed here.
class ScopedTmpfs {
 public:
  explicit ScopedTmpfs(uint64_t bytes) {
    std::string pattern = ::testing::TempDir() + "bibia_tmpfs_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return;
    dir_ = pattern;
    const std::string data = absl::StrCat("size=", bytes);
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, data.c_str()) != 0) {
      error_ = strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~ScopedTmpfs() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
    if (!dir_.empty()) rmdir(dir_.c_str());
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
  std::string error_;
  bool mounted_ = false;
};

TEST(DiskReserveTest, OnASmallTmpfsWritesStopBeforeItIsFullAndResumeWhenSpaceReturns) {
  ScopedTmpfs tmpfs(24 * kMiB);
  if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << tmpfs.error();
  const std::string db_dir = tmpfs.path() + "/db";
  const std::string filler = tmpfs.path() + "/filler";
  {  // 4 MiB the test gives back later
    std::ofstream out(filler, std::ios::binary);
    const std::string mib(kMiB, 'x');
    for (int i = 0; i < 4; ++i) out << mib;
  }
  Store::Options options;
  options.db.disk_reserve_bytes = 4 * kMiB;
  std::vector<std::string> acknowledged;
  absl::Status refusal;
  {
    auto store = Store::Open(db_dir, options);
    ASSERT_THAT(store, IsOk());
    std::string summary;
    for (int w = 0; w < 1100; ++w) absl::StrAppend(&summary, "irrigation ", w, " ");  // ~ 17 KB a project
    for (int i = 0; i < 5000 && refusal.ok(); ++i) {
      const std::string id = absl::StrCat("p", i);
      absl::StatusOr<Store::PutResult> put = (*store)->PutProject(MakeProject(id, "Projet", summary));
      if (put.ok()) {
        acknowledged.push_back(id);
      } else {
        refusal = put.status();
      }
    }
    std::printf("tmpfs of 24 MiB, reserve 4 MiB: %zu writes acknowledged, then: %s\n", acknowledged.size(),
                refusal.ToString().c_str());
    EXPECT_THAT(refusal, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("disk nearly full")));
    EXPECT_THAT((*store)->Health(), StatusIs(absl::StatusCode::kResourceExhausted));
    ASSERT_FALSE(acknowledged.empty());
    EXPECT_THAT((*store)->GetProject(acknowledged.back()), IsOk());
    // Space returns: writes go on without a restart.
    std::filesystem::remove(filler);
    EXPECT_THAT((*store)->Health(), IsOk());
    ASSERT_THAT((*store)->PutProject(MakeProject("after", "Projet", summary)), IsOk());
    acknowledged.push_back("after");
  }
  auto reopened = Store::Open(db_dir, options);
  ASSERT_THAT(reopened, IsOk());
  int missing = 0;
  for (const std::string& id : acknowledged) missing += !(*reopened)->GetProject(id).ok();
  EXPECT_EQ(missing, 0);
}

}  // namespace
}  // namespace bibia::catalog
