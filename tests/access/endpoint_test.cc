// HOST:PORT as every address of a node is checked: names, IPv4 and bracketed
// IPv6 hosts, ports 1 to 65535 (0 only where a listener may pick one).
#include "access/endpoint.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::access {
namespace {

using ::testing::HasSubstr;

TEST(EndpointTest, AcceptsNamesAddressesAndPortsInRange) {
  for (const char* good : {"nantes.example.org:7700", "127.0.0.1:1", "[::1]:65535", "localhost:7700",
                           "node_3.internal:443", "[2001:db8::12]:7700"}) {
    EXPECT_TRUE(CheckEndpoint(good, "--endpoint").ok()) << good;
  }
}

TEST(EndpointTest, RefusesWhatIsNotHostAndPortNamingTheFlag) {
  for (const char* bad : {"", "nantes", "nantes:", ":7700", "nantes:0", "nantes:65536", "nantes:99999",
                          "nantes:http", "nantes:-1", "nantes:0007700", "bad host:7700", "::1:7700",
                          "[::1:7700", "[]:7700", "nantes:7700 "}) {
    absl::Status s = CheckEndpoint(bad, "--endpoint");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.message()), HasSubstr("--endpoint: expected HOST:PORT, got '" + std::string(bad) + "'"));
  }
}

TEST(EndpointTest, PortZeroOnlyForAListener) {
  EXPECT_FALSE(CheckEndpoint("127.0.0.1:0", "--endpoint").ok());
  EXPECT_TRUE(CheckEndpoint("127.0.0.1:0", "--listen", /*allow_port_zero=*/true).ok());
  EXPECT_FALSE(CheckEndpoint("127.0.0.1:65536", "--listen", /*allow_port_zero=*/true).ok());
}

}  // namespace
}  // namespace bibia::access
