// The anonymous rate limiter: a burst, then the sustained rate, per address;
// and the address form it keys on (without the client's port).
#include "access/rate_limiter.h"

#include "gtest/gtest.h"

namespace bibia::access {
namespace {

int Allowed(RateLimiter* limiter, std::string_view key, double now_s, int tries) {
  int allowed = 0;
  for (int i = 0; i < tries; ++i) allowed += limiter->Allow(key, now_s);
  return allowed;
}

TEST(RateLimiterTest, BurstThenSustainedRate) {
  RateLimiter limiter(/*rate=*/10, /*burst=*/5);
  EXPECT_EQ(Allowed(&limiter, "ipv4:10.0.0.1", 100.0, 20), 5);  // the burst, then nothing
  EXPECT_EQ(Allowed(&limiter, "ipv4:10.0.0.1", 100.5, 20), 5);  // 0.5 s at 10/s refills 5
  EXPECT_EQ(Allowed(&limiter, "ipv4:10.0.0.1", 101.0, 1), 1);
  // A long pause refills up to the burst, not beyond.
  EXPECT_EQ(Allowed(&limiter, "ipv4:10.0.0.1", 200.0, 20), 5);
}

TEST(RateLimiterTest, AddressesHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 2);
  EXPECT_EQ(Allowed(&limiter, "ipv4:10.0.0.1", 5.0, 10), 2);
  EXPECT_EQ(Allowed(&limiter, "ipv4:10.0.0.2", 5.0, 10), 2);
  EXPECT_EQ(Allowed(&limiter, "ipv6:[::1]", 5.0, 10), 2);
}

TEST(RateLimiterTest, ZeroRateDisablesTheLimit) {
  RateLimiter limiter(0, 0);
  EXPECT_EQ(Allowed(&limiter, "ipv4:10.0.0.1", 1.0, 1000), 1000);
}

TEST(AddressWithoutPortTest, DropsThePortOfIpv4AndIpv6) {
  EXPECT_EQ(AddressWithoutPort("ipv4:127.0.0.1:5312"), "ipv4:127.0.0.1");
  EXPECT_EQ(AddressWithoutPort("ipv6:[::1]:5312"), "ipv6:[::1]");
  EXPECT_EQ(AddressWithoutPort("ipv6:[2001:db8::7]:443"), "ipv6:[2001:db8::7]");
}

TEST(RateLimitKeyTest, Ipv4KeysOnTheAddress) {
  EXPECT_EQ(RateLimitKey("ipv4:127.0.0.1:5312"), "ipv4:127.0.0.1");
  EXPECT_EQ(RateLimitKey("ipv4:10.0.0.2:1"), "ipv4:10.0.0.2");
}

TEST(RateLimitKeyTest, Ipv6KeysOnTheSlash64) {
  EXPECT_EQ(RateLimitKey("ipv6:[2001:db8:0:7::1]:443"), "ipv6:[2001:db8:0:7::]/64");
  // The whole /64 shares one key: walking the interface id gains nothing.
  EXPECT_EQ(RateLimitKey("ipv6:[2001:db8:0:7:ffff:1234:5678:9abc]:1"), "ipv6:[2001:db8:0:7::]/64");
  EXPECT_NE(RateLimitKey("ipv6:[2001:db8:0:8::1]:443"), RateLimitKey("ipv6:[2001:db8:0:7::1]:443"));
  EXPECT_EQ(RateLimitKey("ipv6:[::1]:5312"), "ipv6:[::]/64");
}

TEST(RateLimitKeyTest, DecodesGrpcUriFormAndZones) {
  EXPECT_EQ(RateLimitKey("ipv6:%5B2001:db8::7%5D:443"), "ipv6:[2001:db8::]/64");
  EXPECT_EQ(RateLimitKey("ipv6:[fe80::1%25eth0]:443"), "ipv6:[fe80::]/64");
}

TEST(RateLimitKeyTest, Ipv4MappedKeysAsIpv4) {
  EXPECT_EQ(RateLimitKey("ipv6:[::ffff:192.0.2.5]:80"), "ipv4:192.0.2.5");
}

TEST(RateLimitKeyTest, OtherFormsKeyWithoutPort) {
  EXPECT_EQ(RateLimitKey("unix:/run/bibia.sock"), "unix:/run/bibia.sock");
  EXPECT_EQ(RateLimitKey("ipv6:[not-an-address]:1"), "ipv6:[not-an-address]");
}

TEST(RateLimiterTest, OneSlash64SharesOneBucket) {
  RateLimiter limiter(1, 3);
  int allowed = 0;
  for (int host = 1; host <= 10; ++host) {
    allowed += limiter.Allow(RateLimitKey("ipv6:[2001:db8:0:7::" + std::to_string(host) + "]:443"), 5.0);
  }
  EXPECT_EQ(allowed, 3);
}

}  // namespace
}  // namespace bibia::access
