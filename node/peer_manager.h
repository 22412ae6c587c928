// The client side of replication: this node's peers, pull sync with them
// (verifying every batch before applying it), and gossip — a few random peers
// on a timer, and at once when a peer's Subscribe stream hints that it has
// something new. Failed peers back off exponentially.
#ifndef BIBIA_NODE_PEER_MANAGER_H_
#define BIBIA_NODE_PEER_MANAGER_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "access/access_control.h"
#include "access/node_files.h"
#include "bibia/v1/federation.pb.h"
#include "catalog/store.h"
#include "node/chunk_fetcher.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace bibia::node {

class PeerManager {
 public:
  struct Options {
    absl::Duration interval = absl::Seconds(2);  // gossip timer
    int fanout = 3;                              // random peers per timer round
    absl::Duration max_backoff = absl::Seconds(60);
    bool gossip = true;                          // false: sync only on demand
    // Most bytes of a peer's entries held while they wait for the signed
    // entry that ends their run (see PullFrom).
    size_t max_buffered_bytes = size_t{1} << 30;
  };

  // Everything passed must outlive the manager.
  PeerManager(const Options& options, catalog::Store* store, access::AccessControl* access,
              const access::NodeFiles* files);
  ~PeerManager();

  // Reads the stored peers and starts the gossip and subscription threads.
  absl::Status Start();
  // Stops and joins every thread; cancels running calls.
  void Stop();

  absl::Status AddPeer(const v1::Peer& peer);
  absl::Status RemovePeer(const std::string& node_id);
  std::vector<v1::PeerState> ListPeers() const;
  // One sync round now with `node_id`, or every peer if empty; returns the
  // entries applied. A failing peer does not stop the others, nor fail the
  // call: its state's last_error tells. NOT_FOUND if `node_id` is no peer.
  // Each peer gets an equal share of the time left before `deadline` (the
  // caller's), so that the answer, failures included, arrives before it.
  absl::StatusOr<int64_t> SyncNow(const std::string& node_id, absl::Time deadline = absl::InfiniteFuture());
  int64_t entries_rejected() const;
  // Where chunks of a manifest of `origin` may be fetched (pull-through):
  // `origin` first (a peer or not: its roster endpoint), then the other
  // peers, each a roster member of expert tier with an endpoint.
  std::vector<ChunkFetcher::Source> ChunkSources(const std::string& origin) const;

 private:
  struct PeerEntry {
    v1::PeerState state;
    absl::Time next_attempt = absl::InfinitePast();
    bool hinted = false;
    bool removed = false;
    uint64_t generation = 0;  // bumped when the peer is re-added (new endpoint)
    std::shared_ptr<grpc::ClientContext> subscription;  // the open Subscribe call, to cancel
    std::thread subscriber;
  };

  // The channel to `peer` (mutual TLS, trusting the roster's certificate).
  absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelTo(const v1::Peer& peer) const;
  // One pull sync with `node_id`, ending by `deadline`; updates its state
  // and backoff, and logs a failure.
  absl::StatusOr<int64_t> SyncWith(const std::string& node_id, absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<int64_t> PullFrom(const v1::Peer& peer, absl::Time deadline, v1::PeerState* observed);
  void GossipLoop();
  void SubscribeLoop(const std::string& node_id);
  void StartSubscriber(const std::string& node_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Duration BackoffFor(int failures) const;

  const Options options_;
  catalog::Store* const store_;
  access::AccessControl* const access_;
  const access::NodeFiles* const files_;

  mutable absl::Mutex mu_;
  absl::CondVar wake_;
  std::map<std::string, std::unique_ptr<PeerEntry>> peers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> retired_ ABSL_GUARDED_BY(mu_);  // subscribers of removed peers, joined at Stop
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread gossip_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_PEER_MANAGER_H_
