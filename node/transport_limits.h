// What one node lets its clients cost, as `bibia-node` flags (defaults here).
// Sized for a federation of a few hundred members and the CLI; each cap is
// described, with what it protects, in docs/security.md.
#ifndef BIBIA_NODE_TRANSPORT_LIMITS_H_
#define BIBIA_NODE_TRANSPORT_LIMITS_H_

#include <cstddef>

#include "absl/time/time.h"
#include "node/watchdog.h"

namespace bibia::node {

struct TransportLimits {
  // Threads gRPC's sync server may run calls on (a Subscribe stream holds one
  // for its life); calls past them are answered RESOURCE_EXHAUSTED.
  int max_threads = 256;  // --max-threads
  // Streams (calls) open at once on one HTTP/2 connection; more wait.
  int max_streams_per_connection = 100;  // --max-streams-per-connection
  // Connections held at once, in all and per client address (IPv4 address or
  // IPv6 /64); lowered to the open-files limit minus ReservedOpenFiles().
  int max_connections = 4096;            // --max-connections
  int max_connections_per_address = 256;  // --max-connections-per-address
  // Calls handled at once per client address, whatever the caller; past it
  // RESOURCE_EXHAUSTED (0: no cap). Half of max_threads: one address alone
  // cannot hold every thread.
  int max_calls_per_address = 128;  // --max-calls-per-address
  // A connection with no call open this long is closed (GOAWAY).
  absl::Duration idle_timeout = absl::Minutes(5);  // --idle-timeout
  // A connection whose TLS/HTTP2 handshake is not done by then is closed.
  absl::Duration handshake_timeout = absl::Seconds(10);  // --handshake-timeout
  // Memory gRPC's transport may use for buffers (a resource quota).
  size_t transport_memory_bytes = size_t{256} << 20;  // --transport-memory-mib
  // Heap in use past which every client connection is closed (0: no cap);
  // see memory_guard.h. Under the systemd unit's MemoryHigh.
  size_t max_heap_bytes = size_t{1536} << 20;  // --max-heap-mib
  // --watchdog-interval (0: no watchdog), --watchdog-failures.
  Watchdog::Options watchdog;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_TRANSPORT_LIMITS_H_
