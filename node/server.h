// Wires a node together: the store, the policy point and the gRPC services
// (plus health checking and reflection). main.cc only parses flags and waits.
#ifndef BIBIA_NODE_SERVER_H_
#define BIBIA_NODE_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "access/access_control.h"
#include "access/node_files.h"
#include "catalog/store.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server.h"
#include "node/chunk_collector.h"
#include "node/connection_limiter.h"
#include "node/peer_manager.h"
#include "node/transport_limits.h"
#include "node/store_health.h"
#include "node/memory_guard.h"
#include "node/watchdog.h"
#include "web/gateway.h"

namespace bibia::node {

inline constexpr char kDefaultListenAddress[] = "127.0.0.1:7700";
// Where the web page is served unless --http or --no-http says otherwise.
inline constexpr char kDefaultHttpAddress[] = "127.0.0.1:7780";

class Server {
 public:
  struct Options {
    std::string data_dir;                        // required, initialised by `bibia-node init`
    std::string listen = kDefaultListenAddress;  // HOST:PORT; port 0 picks a free one
    std::string port_file;                       // if set, "HOST:PORT\n" is written there once listening
    bool insecure = false;                       // plaintext gRPC and HTTP instead of TLS (development only)
    // HTTP listener (web/): HOST:PORT, port 0 picks one; empty: none.
    std::string http_listen;
    // The default address, not one asked for: if it cannot be listened on
    // (another node has it), the node logs why and serves gRPC only.
    bool http_optional = false;
    std::string http_port_file;  // if set, "HOST:PORT\n" of the HTTP listener is written there
    // Where users reach the page, for the exports' links; empty: the
    // listener's own https:// (http:// if insecure) address.
    std::string public_url;
    size_t max_import_bytes = size_t{512} << 20;  // one import is held in memory until written
    // Free space kept on the store's disk: writes that would use it are refused.
    uint64_t disk_reserve_bytes = catalog::kDefaultDiskReserveBytes;
    // Artifacts: quota on the chunk store's bytes (0: none), and how long a
    // chunk no manifest references is kept (an upload not committed yet).
    uint64_t max_artifact_bytes = 0;
    int64_t chunk_grace_ms = 24 * 3600 * 1000;
    // How often the chunk collector checks whether a collection is due
    // (ChunkCollector); zero: no timer (collection at start and deletions only).
    absl::Duration chunk_collect_interval = absl::Minutes(1);
    access::AccessControl::Options access;
    PeerManager::Options federation;
    TransportLimits limits;
    // Called when the watchdog finds the node no longer takes connections,
    // after health is set NOT_SERVING. Unset: log and exit kWatchdogExitCode.
    Watchdog::OnStuck on_stuck;
  };

  // Opens the store and starts serving. Errors name what failed (data
  // directory, address in use, ...).
  static absl::StatusOr<std::unique_ptr<Server>> Start(const Options& options);

  ~Server();

  // The address actually listened on, with the chosen port.
  const std::string& address() const { return address_; }
  // The HTTP listener, or null if none was asked for.
  const web::Gateway* http() const { return http_.get(); }
  catalog::Store* store() const { return store_.get(); }

  // Blocks until Shutdown has completed.
  void Wait();
  // Stops accepting calls, lets running calls finish within `grace`, then
  // cancels them. Safe to call from any thread, more than once.
  void Shutdown(absl::Duration grace);

 private:
  class Services;
  Server() = default;
  absl::Status StartHttp(const Options& options);

  // Declared in dependency order: destroyed in reverse.
  std::unique_ptr<access::NodeFiles> files_;
  std::unique_ptr<access::NodeSigner> signer_;
  std::unique_ptr<catalog::Store> store_;
  std::unique_ptr<access::AccessControl> access_;
  std::unique_ptr<PeerManager> peers_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<web::Gateway> http_;  // stopped before the store and access go
  std::unique_ptr<ConnectionLimiter> connections_;  // outlives the gRPC server
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<Watchdog> watchdog_;
  std::unique_ptr<MemoryGuard> memory_guard_;
  std::unique_ptr<ChunkCollector> chunk_collector_;
  std::unique_ptr<StoreHealth> store_health_;  // first to go: it reports through the gRPC server
  std::string address_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_SERVER_H_
