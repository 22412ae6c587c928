// Importing feedback costs time linear in the number imported: the figures
// for 10,000 and 100,000 feedbacks are printed (no timing assertion: the
// machine is shared), with what shows the import did its work.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

constexpr int kProjects = 10;

std::vector<v1::Feedback> Feedbacks(int count, const std::string& tag) {
  std::vector<v1::Feedback> feedback;
  feedback.reserve(count);
  for (int i = 0; i < count; ++i) {
    v1::Feedback& f = feedback.emplace_back();
    f.set_project_id(absl::StrCat("p", i % kProjects));
    f.set_kind(v1::FEEDBACK_KIND_LESSON);
    f.set_author_collectivity("Rennes Métropole");
    f.set_text(absl::StrCat("Retour ", tag, " numéro ", i, " : impliquer les agents dès le début"));
  }
  return feedback;
}

// Imports `count` feedbacks spread over kProjects projects into a fresh
// store; returns the seconds it took.
double TimeImport(int count) {
  ScopedTempDir dir;
  Store::Options options;
  options.db.sync_writes = false;
  auto store = Store::Open(dir.path(), options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return 0;
  std::vector<v1::Project> projects;
  for (int p = 0; p < kProjects; ++p) projects.push_back(MakeProject(absl::StrCat("p", p), "Projet irrigation"));
  EXPECT_TRUE((*store)->Import(projects, {}).ok());
  // In imports of at most kMaxImportFeedback each: the later ones find the
  // earlier ones stored, which must not make them slower.
  const std::vector<v1::Feedback> feedback = Feedbacks(count, "a");
  const auto start = std::chrono::steady_clock::now();
  for (int from = 0; from < count; from += static_cast<int>(kMaxImportFeedback)) {
    const int to = std::min(count, from + static_cast<int>(kMaxImportFeedback));
    auto imported = (*store)->Import({}, {feedback.begin() + from, feedback.begin() + to});
    EXPECT_TRUE(imported.ok()) << imported.status();
    if (imported.ok()) {
      EXPECT_EQ(imported->feedback(), to - from);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto stats = (*store)->Stats();
  EXPECT_TRUE(stats.ok());
  if (stats.ok()) {
    EXPECT_EQ(stats->feedback(), count);
  }
  // Importing the same file again changes nothing, and new feedback among
  // it is still recorded.
  std::vector<v1::Feedback> again = Feedbacks(std::min<int>(count / 10, kMaxImportFeedback - 1), "a");
  again.push_back(Feedbacks(1, "b")[0]);
  auto reimported = (*store)->Import({}, again);
  EXPECT_TRUE(reimported.ok()) << reimported.status();
  if (reimported.ok()) {
    EXPECT_EQ(reimported->feedback(), 1);
  }
  return seconds;
}

TEST(ImportScalingTest, FeedbackImportTimeGrowsLinearly) {
  const double small = TimeImport(10'000);
  const double large = TimeImport(100'000);
  std::printf("import figures: 10,000 feedbacks %.3f s, 100,000 feedbacks (10 imports) %.3f s, ratio %.1f"
              " (linear: 10)\n", small,
              large, small > 0 ? large / small : 0.0);
}

}  // namespace
}  // namespace bibia::catalog
