// How long a redaction on a large store holds other writes back: prints the
// redaction's time and the slowest write made meanwhile (a figure, not a
// timing assertion; the assertions are that both succeed).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;

constexpr int kProjects = 20000;
constexpr int kImportBatch = 5000;

// A project whose summary (~4 KB) differs with `version`.
v1::Project Version(int i, int version) {
  std::string summary;
  for (int w = 0; summary.size() < 4000; ++w) absl::StrAppend(&summary, "mot", (i * 7 + w * 13 + version) % 997, " ");
  return MakeProject(absl::StrCat("p", i), absl::StrCat("Projet ", i, " version ", version), summary);
}

TEST(RedactionStallTest, WritesGoOnWhileALargeStoreIsRedacted) {
  ScopedTempDir dir;
  auto store = Store::Open(dir.path(), {});
  ASSERT_THAT(store, IsOk());
  // Two versions of every project: the first ones are what a redaction erases.
  for (int version = 0; version < 2; ++version) {
    for (int from = 0; from < kProjects; from += kImportBatch) {
      std::vector<v1::Project> batch;
      for (int i = from; i < from + kImportBatch; ++i) batch.push_back(Version(i, version));
      ASSERT_THAT((*store)->Import(batch, {}), IsOk());
    }
  }
  std::atomic<bool> redacting{true};
  std::atomic<int> writes{0};
  std::atomic<int64_t> slowest_us{0};
  std::thread writer([&] {
    for (int i = 0; redacting.load() && i < 1000000; ++i) {
      const auto start = std::chrono::steady_clock::now();
      EXPECT_THAT((*store)->PutProject(Version(kProjects + i % 100, i)), IsOk());
      const int64_t us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
      if (us > slowest_us.load()) slowest_us = us;
      ++writes;
    }
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT((*store)->RedactHistory("p7", v1::TIER_PUBLIC), IsOk());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  redacting = false;
  writer.join();
  std::printf("redaction figures: %d projects x 2 versions, redaction %.2f s, %d writes meanwhile, slowest %.3f s\n",
              kProjects, seconds, writes.load(), slowest_us.load() / 1e6);
  auto project = (*store)->GetProject("p7");
  ASSERT_THAT(project, IsOk());
  EXPECT_EQ(project->public_().title_fr(), "Projet 7 version 1");
}

}  // namespace
}  // namespace bibia::catalog
