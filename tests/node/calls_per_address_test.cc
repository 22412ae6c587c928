#include "node/calls_per_address.h"

#include "gtest/gtest.h"

namespace bibia::node {
namespace {

TEST(CallsPerAddressTest, EachAddressHasItsOwnShare) {
  CallsPerAddress calls(2);
  EXPECT_TRUE(calls.Enter("ipv4:192.0.2.1"));
  EXPECT_TRUE(calls.Enter("ipv4:192.0.2.1"));
  EXPECT_FALSE(calls.Enter("ipv4:192.0.2.1"));
  EXPECT_TRUE(calls.Enter("ipv4:192.0.2.2")) << "another address is not held back";
  calls.Leave("ipv4:192.0.2.1");
  EXPECT_TRUE(calls.Enter("ipv4:192.0.2.1")) << "a call that ended frees its place";
  EXPECT_FALSE(calls.Enter("ipv4:192.0.2.1"));
}

TEST(CallsPerAddressTest, ZeroMeansNoCap) {
  CallsPerAddress calls(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(calls.Enter("ipv4:192.0.2.1"));
}

}  // namespace
}  // namespace bibia::node
