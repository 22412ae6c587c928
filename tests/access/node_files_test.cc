// The permission checks of LoadNodeFiles on the data directory and node.conf:
// writable by group or others is refused with the path and its mode.
#include "access/node_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::access {
namespace {

using ::testing::HasSubstr;

class NodeFilesModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/node_files_mode_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    InitOptions options;
    options.node_id = "modes";
    options.collectivity = "Test";
    ASSERT_TRUE(InitNodeDirectory(dir_, options).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(NodeFilesModeTest, InitialisedDirectoryLoads) { EXPECT_TRUE(LoadNodeFiles(dir_).ok()); }

TEST_F(NodeFilesModeTest, WorldWritableDirectoryIsRefused) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
  auto files = LoadNodeFiles(dir_);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(files.status().message(), HasSubstr(dir_));
  EXPECT_THAT(files.status().message(), HasSubstr("mode 0777"));
  EXPECT_THAT(files.status().message(), HasSubstr("others"));
}

TEST_F(NodeFilesModeTest, GroupWritableDirectoryIsRefused) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0770), 0);
  auto files = LoadNodeFiles(dir_);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr("mode 0770"));
  EXPECT_THAT(files.status().message(), HasSubstr("group"));
}

TEST_F(NodeFilesModeTest, ReadableDirectoryIsAccepted) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  EXPECT_TRUE(LoadNodeFiles(dir_).ok());
}

TEST_F(NodeFilesModeTest, WritableNodeConfIsRefused) {
  const std::string conf = dir_ + "/node.conf";
  ASSERT_EQ(::chmod(conf.c_str(), 0666), 0);
  auto files = LoadNodeFiles(dir_);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(files.status().message(), HasSubstr(conf));
  EXPECT_THAT(files.status().message(), HasSubstr("mode 0666"));
  ASSERT_EQ(::chmod(conf.c_str(), 0620), 0);
  EXPECT_THAT(LoadNodeFiles(dir_).status().message(), HasSubstr("mode 0620"));
}

}  // namespace
}  // namespace bibia::access
