// The HOST:PORT form of a node's address, checked the same way wherever one is
// given: a node's --listen, its published endpoint, a roster member, a peer.
#ifndef BIBIA_ACCESS_ENDPOINT_H_
#define BIBIA_ACCESS_ENDPOINT_H_

#include <string_view>

#include "absl/status/status.h"

namespace bibia::access {

// OK if `endpoint` is HOST:PORT: a host without spaces or control characters
// (a name, an IPv4 address or a bracketed IPv6 one) and a decimal port from 1
// to 65535, or 0 when `allow_port_zero` (a listening address: any free port).
// INVALID_ARGUMENT otherwise, naming `what` (e.g. "--listen") and the value.
absl::Status CheckEndpoint(std::string_view endpoint, std::string_view what, bool allow_port_zero = false);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_ENDPOINT_H_
