// What `bibia sync` shows on a terminal while a round runs: the entries the
// node has applied since the round began, read from its frontier.
#ifndef BIBIA_CLI_SYNC_PROGRESS_H_
#define BIBIA_CLI_SYNC_PROGRESS_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>

#include "bibia/v1/federation_service.grpc.pb.h"
#include "cli/global_options.h"
#include "grpcpp/client_context.h"

namespace bibia::cli {

// "syncing: 45210 entries applied (3.2 s)".
std::string SyncProgressLine(uint64_t applied, double seconds);

// The sum of the seqs of a node's frontier: it grows by one per entry applied
// (by this round, and by gossip or local writes during it).
uint64_t FrontierTotal(const v1::FederationStatusResponse& status);

// Polls the node's Peers.Status once a second from a thread of its own and
// rewrites one line of `err` with SyncProgressLine, from `kQuietMs` on (a
// round that ends sooner shows nothing). Each poll is an admin call the node
// audits: 60 events a minute of a long round, against one for the round
// itself. Stop() (or the destructor) cancels a poll in flight, ends the
// polling and clears the line. Does nothing if the first poll fails.
class SyncProgress {
 public:
  static constexpr int kQuietMs = 1000;
  static constexpr int kPollMs = 1000;

  SyncProgress(v1::Peers::StubInterface& stub, const GlobalOptions& options, std::ostream& err);
  ~SyncProgress();
  SyncProgress(const SyncProgress&) = delete;
  SyncProgress& operator=(const SyncProgress&) = delete;

  void Stop();

 private:
  std::optional<uint64_t> Poll();
  void Watch(uint64_t start);

  v1::Peers::StubInterface& stub_;
  const GlobalOptions& options_;
  std::ostream& err_;
  std::mutex mu_;
  std::condition_variable stop_requested_;
  bool stop_ = false;
  grpc::ClientContext* in_flight_ = nullptr;  // the watcher's poll, cancelled by Stop()
  bool shown_ = false;  // written by the watcher only, read after the join
  std::thread watcher_;
};

}  // namespace bibia::cli

#endif  // BIBIA_CLI_SYNC_PROGRESS_H_
