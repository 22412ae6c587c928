// RefusalTally: the first refusal of a key in a minute is audited alone, the
// others of that minute as one event with their count.
#include "access/refusal_tally.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace bibia::access {
namespace {

v1::AuditEvent Refusal(const std::string& method, const std::string& id) {
  v1::AuditEvent event;
  event.set_subject("anonymous");
  event.set_method(method);
  event.set_outcome("UNAUTHENTICATED");
  event.set_peer("ipv4:192.0.2.1:4000");
  event.add_record_ids(id);
  return event;
}

constexpr int64_t kMinute = 60'000;

TEST(RefusalTallyTest, FirstOfAMinuteIsAuditedTheRestSummedInTheNextMinute) {
  RefusalTally tally;
  std::vector<v1::AuditEvent> due;
  EXPECT_TRUE(tally.Count("ipv4:192.0.2.1", Refusal("PutProject", "a"), 10 * kMinute, &due));
  for (int i = 0; i < 999; ++i) {
    EXPECT_FALSE(tally.Count("ipv4:192.0.2.1", Refusal("PutProject", "b"), 10 * kMinute + i, &due));
  }
  // Another method is another key.
  EXPECT_TRUE(tally.Count("ipv4:192.0.2.1", Refusal("AddFeedback", "c"), 10 * kMinute + 5, &due));
  EXPECT_TRUE(due.empty());

  // The next minute: its first refusal is audited, and the sums of the last.
  EXPECT_TRUE(tally.Count("ipv4:192.0.2.1", Refusal("PutProject", "d"), 11 * kMinute, &due));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].method(), "PutProject");
  EXPECT_EQ(due[0].count(), 999u);
  EXPECT_EQ(due[0].record_ids_size(), 0);
  EXPECT_EQ(due[0].subject(), "anonymous");
}

TEST(RefusalTallyTest, KeysBeyondTheCapAreFoldedUnderOtherAddresses) {
  RefusalTally tally;
  std::vector<v1::AuditEvent> due;
  for (size_t i = 0; i < kMaxRefusalKeysPerMinute; ++i) {
    EXPECT_TRUE(tally.Count(absl::StrCat("ipv6:[2001:db8:", i, "::]"), Refusal("PutProject", "x"), 0, &due));
  }
  // The first address beyond the cap opens the fold; the others join it.
  EXPECT_TRUE(tally.Count("ipv6:[2001:db8:ffff::]", Refusal("PutProject", "x"), 1, &due));
  for (int i = 0; i < 500; ++i) {
    EXPECT_FALSE(tally.Count(absl::StrCat("ipv6:[2001:db9:", i, "::]"), Refusal("PutProject", "x"), 2, &due));
  }
  std::vector<v1::AuditEvent> sums = tally.TakeAll();
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ(sums[0].peer(), "(other addresses)");
  EXPECT_EQ(sums[0].count(), 500u);
  EXPECT_TRUE(tally.TakeAll().empty());
}

}  // namespace
}  // namespace bibia::access
