// Helpers shared by the CatalogStore unit tests: a temporary directory, a
// deterministic clock and a minimal valid project.
#ifndef BIBIA_TESTS_CATALOG_STORE_TEST_UTIL_H_
#define BIBIA_TESTS_CATALOG_STORE_TEST_UTIL_H_

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "bibia/v1/project.pb.h"
#include "catalog/clock.h"
#include "gtest/gtest.h"

namespace bibia::catalog {

// A clock that moves 1 ms per reading, so times are distinct and known.
class FakeClock : public Clock {
 public:
  int64_t NowMillis() override { return now_.fetch_add(1) + 1; }

 private:
  std::atomic<int64_t> now_{1'700'000'000'000};
};

// A fresh directory under the test temp dir, removed with everything in it.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = ::testing::TempDir() + "bibia_catalog_XXXXXX";
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << pattern;
    path_ = pattern;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline v1::Project MakeProject(const std::string& id, const std::string& title_fr, const std::string& summary_fr = "") {
  v1::Project p;
  v1::ProjectPublic* pub = p.mutable_public_();
  pub->set_id(id);
  pub->mutable_collectivity()->set_name("Nantes Métropole");
  pub->mutable_collectivity()->set_region("Pays de la Loire");
  pub->set_title_fr(title_fr);
  pub->set_summary_fr(summary_fr);
  pub->set_domain(v1::DOMAIN_WATER);
  pub->set_status(v1::STATUS_PILOT);
  return p;
}

}  // namespace bibia::catalog

#endif  // BIBIA_TESTS_CATALOG_STORE_TEST_UTIL_H_
