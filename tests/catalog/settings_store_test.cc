// The node's settings store on a database of its own: put, get, delete, a
// prefix scan in name order, values that survive a reopen, and settings
// kept apart from the rest of the meta family.
#include "catalog/settings_store.h"

#include <string>
#include <utility>
#include <vector>

#include "catalog/db.h"
#include "gtest/gtest.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

std::unique_ptr<Db> OpenDb(const std::string& dir) {
  Db::Options options;
  options.disk_reserve_bytes = 0;
  auto db = Db::Open(dir, options);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

TEST(SettingsStoreTest, PutGetDeleteAndScanInNameOrder) {
  ScopedTempDir dir;
  std::unique_ptr<Db> db = OpenDb(dir.path());
  ASSERT_NE(db, nullptr);
  SettingsStore settings(db.get());
  ASSERT_TRUE(settings.Put("peer/rennes", "r").ok());
  ASSERT_TRUE(settings.Put("peer/lyon", "l").ok());
  ASSERT_TRUE(settings.Put("roster", "signed roster").ok());
  auto got = settings.Get("roster");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::optional<std::string>("signed roster"));
  auto peers = settings.Scan("peer/");
  ASSERT_TRUE(peers.ok());
  EXPECT_EQ(*peers, (Settings{{"peer/lyon", "l"}, {"peer/rennes", "r"}}));
  ASSERT_TRUE(settings.Delete("peer/lyon").ok());
  ASSERT_TRUE(settings.Delete("peer/never-set").ok());
  peers = settings.Scan("peer/");
  ASSERT_TRUE(peers.ok());
  EXPECT_EQ(*peers, (Settings{{"peer/rennes", "r"}}));
  got = settings.Get("peer/lyon");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::nullopt);
}

TEST(SettingsStoreTest, ValuesSurviveAReopenAndStayApartFromOtherMetaKeys) {
  ScopedTempDir dir;
  {
    std::unique_ptr<Db> db = OpenDb(dir.path());
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(SettingsStore(db.get()).Put("tokens", "registry").ok());
  }
  std::unique_ptr<Db> db = OpenDb(dir.path());
  ASSERT_NE(db, nullptr);
  auto all = SettingsStore(db.get()).Scan("");
  ASSERT_TRUE(all.ok());
  // Only settings: the database's own meta keys (schema version...) are not listed.
  EXPECT_EQ(*all, (Settings{{"tokens", "registry"}}));
}

}  // namespace
}  // namespace bibia::catalog
