// Caps on the connections a node holds, total and per client address (the
// IPv4 address or the IPv6 /64), and the open-files budget they come out of.
// gRPC 1.51 has no connection cap of its own: the limiter sees every accepted
// socket through gRPC's socket-mutator hook and, past a cap, resets it at once
// (the handshake then fails and gRPC closes it). The listener itself keeps
// accepting: with the caps below the open-files limit, accept(2) never meets
// EMFILE, which in 1.51 stops the listener for good (CVE-2023-4785).
#ifndef BIBIA_NODE_CONNECTION_LIMITER_H_
#define BIBIA_NODE_CONNECTION_LIMITER_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/impl/server_builder_option.h"

namespace bibia::node {

// Raises this process's soft RLIMIT_NOFILE to its hard limit; returns the
// soft limit now in force.
absl::StatusOr<uint64_t> RaiseOpenFileLimit();

// Open files kept for everything but client connections held: the store's
// files, outgoing peer channels, the watchdog's probe (256), and the
// connections gRPC accepts in one go before a refused one is closed (the
// kernel's accept queue, net.core.somaxconn). The connection cap is lowered
// to the open-files limit minus this (to half the limit if that is less).
uint64_t ReservedOpenFiles();

class ConnectionLimiter {
 public:
  // `max_connections` and `max_per_address` are at least 1.
  ConnectionLimiter(int max_connections, int max_per_address);
  ~ConnectionLimiter();
  ConnectionLimiter(const ConnectionLimiter&) = delete;
  ConnectionLimiter& operator=(const ConnectionLimiter&) = delete;

  // A ServerBuilder option that hands this limiter every accepted socket. The
  // limiter must outlive the server built with it.
  std::unique_ptr<grpc::ServerBuilderOption> BuilderOption();

  // Connections accepted by the listener so far, admitted or reset: what
  // the watchdog reads to tell a live listener.
  uint64_t accepted() const { return accepted_.load(); }
  uint64_t refused() const { return refused_.load(); }

  // Called by gRPC with each accepted socket; always lets gRPC go on (a
  // refusal from the hook would stop the listener).
  void OnAccepted(int fd);

  // Shuts down every client connection still open (gRPC then closes them
  // and drops their calls); returns how many.
  int CloseAll();

  struct Mutator;  // the gRPC hook (connection_limiter.cc)

 private:
  struct Tracked {
    ino_t inode;
    std::string key;
  };
  // Forgets connections whose socket is closed (or whose descriptor now
  // names another file), except `keep`.
  void PruneLocked(int keep) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ForgetLocked(int fd) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int max_connections_;
  const int max_per_address_;
  std::unique_ptr<Mutator> mutator_;
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> refused_{0};
  absl::Mutex mu_;
  absl::flat_hash_map<int, Tracked> by_fd_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> per_key_ ABSL_GUARDED_BY(mu_);
  absl::Time last_prune_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_refusal_log_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t refusals_since_log_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_CONNECTION_LIMITER_H_
