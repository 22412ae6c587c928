// A redaction's scrub (flush and compactions that take erased payloads out
// of the files) runs outside the writer lock: other writes go on meanwhile.
// A hook holds the scrub at its start; no timing is relied on.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;

constexpr absl::Duration kBound = absl::Seconds(60);  // only a hung test waits this long

// Holds the first scrub that reaches the hook until released.
struct ScrubLatch {
  absl::Notification reached;
  absl::Notification release;
  std::atomic<int> calls{0};
  std::function<void()> Hook() {
    return [this] {
      if (calls.fetch_add(1) != 0) return;
      reached.Notify();
      release.WaitForNotificationWithTimeout(kBound);
    };
  }
};

void ExpectNoScrubPending(Store* store) {
  auto pending = store->db()->Get(Family::kMeta, kMetaScrubPending);
  ASSERT_THAT(pending, IsOk());
  EXPECT_FALSE(pending->has_value());
}

void ExpectHistoryErased(Store* store, const std::string& old_text) {
  auto log = store->ReadLog(store->node_id(), v1::TIER_PUBLIC, 0, 1000);
  ASSERT_THAT(log, IsOk());
  for (const v1::LogEntry& e : *log) EXPECT_EQ(e.payload().find(old_text), std::string::npos) << "seq " << e.seq();
}

TEST(ScrubTest, AWriteCompletesWhileARedactionsScrubIsInProgress) {
  ScopedTempDir dir;
  ScrubLatch latch;
  Store::Options options;
  options.scrub_hook = latch.Hook();
  auto store = Store::Open(dir.path(), options);
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->PutProject(MakeProject("p1", "Cantine", "Ancien texte a effacer")), IsOk());
  ASSERT_THAT((*store)->PutProject(MakeProject("p1", "Cantine", "Nouveau texte")), IsOk());

  absl::Status redacted;
  std::thread redactor([&] { redacted = (*store)->RedactHistory("p1", v1::TIER_PUBLIC); });
  ASSERT_TRUE(latch.reached.WaitForNotificationWithTimeout(kBound));
  // The scrub is held: a write must still go through.
  absl::Notification wrote;
  absl::StatusOr<Store::PutResult> put;
  std::thread writer([&] {
    put = (*store)->PutProject(MakeProject("p2", "Eau potable"));
    wrote.Notify();
  });
  const bool write_done_during_scrub = wrote.WaitForNotificationWithTimeout(kBound);
  latch.release.Notify();
  writer.join();
  redactor.join();
  EXPECT_TRUE(write_done_during_scrub);
  EXPECT_THAT(put, IsOk());
  EXPECT_THAT(redacted, IsOk());
  EXPECT_THAT((*store)->GetProject("p2"), IsOk());
  ExpectNoScrubPending(store->get());
  ExpectHistoryErased(store->get(), "Ancien texte");
}

TEST(ScrubTest, ARedactionDuringAnotherOnesScrubIsScrubbedToo) {
  ScopedTempDir dir;
  ScrubLatch latch;
  Store::Options options;
  options.scrub_hook = latch.Hook();
  auto store = Store::Open(dir.path(), options);
  ASSERT_THAT(store, IsOk());
  for (const char* id : {"p1", "p2"}) {
    ASSERT_THAT((*store)->PutProject(MakeProject(id, "Cantine", "Ancien texte a effacer")), IsOk());
    ASSERT_THAT((*store)->PutProject(MakeProject(id, "Cantine", "Nouveau texte")), IsOk());
  }
  absl::Status first, second;
  std::thread a([&] { first = (*store)->RedactHistory("p1", v1::TIER_PUBLIC); });
  ASSERT_TRUE(latch.reached.WaitForNotificationWithTimeout(kBound));
  // Committed while the first scrub is held; its own scrub waits for it.
  absl::Notification committed;
  std::thread b([&] {
    second = (*store)->RedactHistory("p2", v1::TIER_PUBLIC);
    committed.Notify();
  });
  // The second redaction's commit needs only the writer lock; its scrub
  // then waits for the first: release the first once the marker was set
  // again (seen as a write: the record of p2 now refers to a redaction).
  for (int i = 0; i < 6000 && !committed.HasBeenNotified(); ++i) {
    auto log = (*store)->ReadLog((*store)->node_id(), v1::TIER_PUBLIC, 0, 1000);
    ASSERT_THAT(log, IsOk());
    if (!log->empty() && log->back().redaction() && log->back().key().find("p2") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  latch.release.Notify();
  a.join();
  b.join();
  EXPECT_THAT(first, IsOk());
  EXPECT_THAT(second, IsOk());
  ExpectNoScrubPending(store->get());
  ExpectHistoryErased(store->get(), "Ancien texte");
}

}  // namespace
}  // namespace bibia::catalog
