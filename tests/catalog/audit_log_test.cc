// The audit log's own rules: values stored as Printable() makes them, pages
// bounded in events and bytes that continue without loss or repetition, and
// the cap on its size that drops the oldest events first.
#include "catalog/audit_log.h"

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "catalog/db.h"
#include "catalog/printable.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Db::Options options;
    options.sync_writes = false;
    auto db = Db::Open(dir_.path() + "/db", options);
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    log_ = std::make_unique<AuditLog>(db_.get(), &clock_);
  }

  absl::Status AppendRefusal(const std::string& subject, const std::string& id) {
    v1::AuditEvent event;
    event.set_subject(subject);
    event.set_method("PutProject");
    event.add_record_ids(id);
    event.set_outcome("UNAUTHENTICATED");
    event.set_peer("ipv4:127.0.0.1:4242");
    return log_->Append(std::move(event), /*durable=*/false);
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, StoresCallerChosenValuesCutAndEscaped) {
  ASSERT_THAT(AppendRefusal("unverified:\x1b[31mroot@x", std::string(8 << 20, 'i')), IsOk());
  auto page = log_->List({});
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->events_size(), 1);
  const v1::AuditEvent& event = page->events(0);
  EXPECT_EQ(event.subject(), "unverified:\\x1b[31mroot@x");
  ASSERT_EQ(event.record_ids_size(), 1);
  EXPECT_EQ(event.record_ids(0), Printable(std::string(8 << 20, 'i')));
  EXPECT_LT(event.ByteSizeLong(), 1024u);
}

TEST_F(AuditLogTest, PagesGoNewestFirstAndContinueWithoutLossOrRepetition) {
  constexpr int kEvents = 250;
  for (int i = 0; i < kEvents; ++i) ASSERT_THAT(AppendRefusal(absl::StrCat("s", i), "id"), IsOk());
  v1::ListAuditRequest request;
  request.set_limit(40);
  std::vector<std::string> seen;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = log_->List(request);
    ASSERT_THAT(page, IsOk());
    EXPECT_LE(page->events_size(), 40);
    for (const auto& e : page->events()) seen.push_back(e.subject());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(kEvents));
  for (int i = 0; i < kEvents; ++i) EXPECT_EQ(seen[i], absl::StrCat("s", kEvents - 1 - i)) << i;

  // Filters apply across pages too.
  request.Clear();
  request.set_subject("s7");
  request.set_limit(1);
  auto page = log_->List(request);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->events_size(), 1);
  EXPECT_EQ(page->events(0).subject(), "s7");
}

TEST_F(AuditLogTest, APageStopsAtOneMebibyte) {
  // Events of ~2 KB each (ten ids cut at 200 bytes): 1,000 of them are ~2 MB.
  for (int i = 0; i < 1000; ++i) {
    v1::AuditEvent event;
    event.set_method("Import");
    for (int k = 0; k < 10; ++k) event.add_record_ids(std::string(300, 'a' + k));
    ASSERT_THAT(log_->Append(std::move(event), false), IsOk());
  }
  v1::ListAuditRequest request;
  request.set_limit(kMaxAuditPageEvents);
  auto page = log_->List(request);
  ASSERT_THAT(page, IsOk());
  EXPECT_LE(page->ByteSizeLong(), kMaxAuditPageBytes + 4096);
  EXPECT_LT(page->events_size(), 1000);
  EXPECT_GT(page->events_size(), 100);
  ASSERT_FALSE(page->next_page_token().empty());
  request.set_page_token(page->next_page_token());
  auto rest = log_->List(request);
  ASSERT_THAT(rest, IsOk());
  int total = page->events_size() + rest->events_size();
  if (!rest->next_page_token().empty()) {
    request.set_page_token(rest->next_page_token());
    auto last = log_->List(request);
    ASSERT_THAT(last, IsOk());
    total += last->events_size();
    EXPECT_TRUE(last->next_page_token().empty());
  }
  EXPECT_EQ(total, 1000);
}

TEST_F(AuditLogTest, RefusesBadLimitsAndPageTokens) {
  v1::ListAuditRequest request;
  request.set_limit(kMaxAuditPageEvents + 1);
  EXPECT_THAT(log_->List(request), StatusIs(absl::StatusCode::kInvalidArgument));
  request.set_limit(10);
  for (const char* token : {"zz", "00", "not-hex-not-hex-not-hex-not-hex!"}) {
    request.set_page_token(token);
    EXPECT_THAT(log_->List(request), StatusIs(absl::StatusCode::kInvalidArgument)) << token;
  }
}

TEST_F(AuditLogTest, TheCapDropsTheOldestEventsFirst) {
  constexpr uint64_t kCap = 4 << 20;
  log_->set_max_bytes(kCap);
  // ~2.3 KB per event: 8,000 events are ~18 MB written, four times the cap.
  for (int i = 0; i < 8000; ++i) {
    v1::AuditEvent event;
    event.set_subject(absl::StrCat("s", i));
    for (int k = 0; k < 10; ++k) event.add_record_ids(absl::StrCat(i, std::string(200, 'a' + k)));
    ASSERT_THAT(log_->Append(std::move(event), false), IsOk());
  }
  auto bytes = log_->ApproximateBytes();
  ASSERT_THAT(bytes, IsOk());
  // The cap is checked every MiB appended, on RocksDB's approximate sizes
  // (memtables count with their overhead): at most 2 MiB above it.
  EXPECT_LE(*bytes, kCap + (2 << 20)) << *bytes;
  v1::ListAuditRequest request;
  request.set_limit(1);
  auto newest = log_->List(request);
  ASSERT_THAT(newest, IsOk());
  ASSERT_EQ(newest->events_size(), 1);
  EXPECT_EQ(newest->events(0).subject(), "s7999");
  // The oldest are gone.
  request.set_subject("s0");
  request.set_limit(10);
  auto oldest = log_->List(request);
  ASSERT_THAT(oldest, IsOk());
  EXPECT_EQ(oldest->events_size(), 0);
}

}  // namespace
}  // namespace bibia::catalog
