#include "node/peer_manager.h"

#include <algorithm>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "access/endpoint.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "catalog/status_macros.h"
#include "catalog/validate.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "catalog/log_entry_view.h"
#include "node/grpc_status.h"
#include "node/log.h"
#include "node/run_applier.h"

namespace bibia::node {
namespace {

constexpr char kPeerSettingPrefix[] = "peer/";
constexpr int kMaxMessageBytes = 64 << 20;
// A peer that accepts connections but never completes the TLS handshake
// must not hold a sync round (or the caller of SyncNow) for long.
constexpr absl::Duration kConnectTimeout = absl::Seconds(10);
// The longest a pull may stream: a cold sync of a large federation.
constexpr absl::Duration kMaxPull = absl::Minutes(10);
// Reconnecting a Subscribe stream is cheap: a peer that comes back is
// noticed within this, whatever its sync backoff.
constexpr absl::Duration kMaxResubscribePause = absl::Seconds(5);
// Kept from the caller's deadline, for the answer to travel back.
constexpr absl::Duration kAnswerMargin = absl::Milliseconds(300);

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

// Waits until `channel` is connected or has failed (a refused connection, a
// handshake refused: the call made next reports why), false if it is still
// connecting at `by`: a peer that accepts connections and never completes
// the TLS handshake.
bool ConnectedOrFailed(grpc::Channel& channel, absl::Time by) {
  grpc_connectivity_state state = channel.GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY && state != GRPC_CHANNEL_TRANSIENT_FAILURE &&
         state != GRPC_CHANNEL_SHUTDOWN) {
    if (!channel.WaitForStateChange(state, absl::ToChronoTime(by))) return false;
    state = channel.GetState(/*try_to_connect=*/true);
  }
  return true;
}

// Waits until `channel` to `peer` is connected or has failed, at most
// kConnectTimeout from `started` and until `deadline`; UNAVAILABLE if it is
// still connecting then.
absl::Status AwaitConnection(grpc::Channel& channel, const v1::Peer& peer, absl::Time started, absl::Time deadline) {
  const absl::Time connect_by = std::min(deadline, started + kConnectTimeout);
  if (ConnectedOrFailed(channel, connect_by)) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "sync with ", peer.node_id(), ": not connected within ",
      absl::FormatDuration(absl::Trunc(connect_by - started, absl::Milliseconds(100))),
      " (unreachable, or the TLS handshake did not complete)"));
}

// The request of a pull: this node's frontier, and the highest tier it holds.
absl::StatusOr<v1::SyncRequest> SyncRequestFor(const catalog::Store& store, v1::Tier max_tier) {
  BIBIA_ASSIGN_OR_RETURN(std::vector<v1::FrontierEntry> frontier, store.Frontier());
  v1::SyncRequest request;
  for (auto& f : frontier) *request.add_frontier() = std::move(f);
  request.set_max_tier(max_tier);
  return request;
}

// The receiving side of one pull: entries are buffered per (origin, tier)
// until a signed one closes a run, which is verified here and applied as a
// whole by a RunApplier, in order.
class PullReceiver {
 public:
  PullReceiver(catalog::Store* store, access::AccessControl* access, const std::string& peer_id, v1::Tier max_tier,
               uint64_t drop_generation, size_t max_buffered_bytes)
      : store_(store),
        access_(access),
        peer_id_(peer_id),
        max_tier_(max_tier),
        drop_generation_(drop_generation),
        max_buffered_bytes_(max_buffered_bytes),
        applier_(store, peer_id) {}

  // Takes one entry as received (its bytes may be moved from). False if it
  // is not a LogEntry: the sync stops (malformed() tells why).
  bool Receive(std::string& bytes, v1::PeerState* observed);
  // OK unless an entry was not a LogEntry.
  const absl::Status& malformed() const { return malformed_; }
  // Waits for the runs enqueued to be applied, logs what was left over, and
  // returns the entries applied or why the pull failed, given how the
  // stream ended (`stream`).
  absl::StatusOr<int64_t> Finish(const grpc::Status& stream, v1::PeerState* observed);

 private:
  // Makes the log of `e` the one entries go to.
  void SwitchLog(const catalog::LogEntryView& e);
  // Stops the current log for this round: its run outgrew the buffer.
  void StopOversizedLog();

  catalog::Store* const store_;
  access::AccessControl* const access_;
  const std::string& peer_id_;
  const v1::Tier max_tier_;
  const uint64_t drop_generation_;
  const size_t max_buffered_bytes_;
  absl::flat_hash_map<std::string, catalog::PendingRun> pending_;
  RunApplier applier_;
  absl::flat_hash_set<std::string> refused_;  // logs with a run that failed verification, or too long a run
  absl::Status oversized_;  // a run longer than the buffer allows: its log stops, the others go on
  absl::Status malformed_;  // an entry that is not a LogEntry: the sync stops
  // The run entries go to, kept while a message stays in one log (the usual
  // case) instead of naming the log for every entry.
  std::string run_origin_;
  v1::Tier run_tier_ = v1::TIER_UNSPECIFIED;
  std::string log_name_;
  catalog::PendingRun* run_ = nullptr;
  size_t buffered_ = 0;  // bytes of entries waiting in `pending_` for their signed entry
  bool run_verifiable_ = false;
  // Origins this node's roster does not list (a peer with an older roster
  // relaying a removed member): skipped, not the peer's fault.
  absl::flat_hash_map<std::string, int64_t> unknown_origins_;
};

void PullReceiver::SwitchLog(const catalog::LogEntryView& e) {
  run_origin_ = std::string(e.origin);
  run_tier_ = e.tier;
  log_name_ = absl::StrCat(run_origin_, "/", run_tier_);
  run_ = &pending_[log_name_];  // taken again at every change of log, the only time an insertion can move it
  run_verifiable_ = run_origin_ != access_->node_id() && access_->IsLogOrigin(run_origin_);
}

void PullReceiver::StopOversizedLog() {
  // An honest peer's runs end at a signed entry, at most a write batch
  // apart (an import is one), except where an erased payload waits for
  // its redaction: a log whose erased payload is more than the cap
  // before it cannot be pulled (a limit, documented). The cap also
  // bounds a peer sending unsigned entries without end. That log stops
  // for this round; the peer's other logs go on.
  oversized_ = absl::ResourceExhaustedError(absl::StrCat(
      "sync with ", peer_id_, ": ", log_name_, ": more than ", max_buffered_bytes_ >> 20,
      " MiB of entries without a signed entry to verify them (this node's --sync-buffer-mib); that log stopped"));
  Log(LogLevel::kWarning, "run longer than --sync-buffer-mib; its log stopped for this round",
      {{"peer", peer_id_}, {"run", log_name_}, {"mib", absl::StrCat(max_buffered_bytes_ >> 20)}});
  buffered_ -= run_->bytes();
  (void)run_->Take();
  refused_.insert(log_name_);
}

bool PullReceiver::Receive(std::string& bytes, v1::PeerState* observed) {
  absl::StatusOr<catalog::LogEntryView> e = catalog::ParseLogEntryView(bytes);
  if (!e.ok()) {
    malformed_ = absl::DataLossError(absl::StrCat("sync with ", peer_id_, ": ", e.status().message()));
    observed->set_entries_rejected(observed->entries_rejected() + 1);
    return false;
  }
  if (run_ == nullptr || e->origin != run_origin_ || e->tier != run_tier_) SwitchLog(*e);
  if (!run_verifiable_) {
    if (run_origin_ != access_->node_id()) ++unknown_origins_[run_origin_];
    return true;
  }
  if (refused_.contains(log_name_) || applier_.Stopped(log_name_)) return true;
  buffered_ += bytes.size();
  if (!run_->Add(std::move(bytes), *e)) {
    if (buffered_ > max_buffered_bytes_) StopOversizedLog();
    return true;
  }
  buffered_ -= run_->bytes();
  const int64_t size = static_cast<int64_t>(run_->size());
  auto verified = store_->VerifyRemote(run_->Take(), access_->entry_verifier(), max_tier_);
  if (verified.ok()) verified->set_sync_drop_generation(drop_generation_);
  if (!verified.ok()) refused_.insert(log_name_);
  applier_.Enqueue(log_name_, std::move(verified), size);
  return true;
}

absl::StatusOr<int64_t> PullReceiver::Finish(const grpc::Status& stream, v1::PeerState* observed) {
  const RunApplier::Totals totals = applier_.Finish();
  observed->set_entries_rejected(observed->entries_rejected() + totals.rejected);
  for (const auto& [log_name, run] : pending_) {
    if (run.size() == 0) continue;
    // A stream cut short (this node's deadline, a dropped connection) ends
    // inside a run through no fault of the peer; one the peer ended, or one
    // this node stopped for what the peer sent, did not.
    if (stream.ok() || !malformed_.ok()) {
      observed->set_entries_rejected(observed->entries_rejected() + static_cast<int64_t>(run.size()));
      Log(LogLevel::kWarning, "unsigned tail from peer ignored",
          {{"peer", peer_id_}, {"run", log_name}, {"count", absl::StrCat(run.size())}});
    } else {
      Log(LogLevel::kInfo, "sync cut short inside a run; it comes again next time",
          {{"peer", peer_id_}, {"run", log_name}, {"count", absl::StrCat(run.size())}});
    }
  }
  for (const auto& [origin, count] : unknown_origins_) {
    Log(LogLevel::kWarning, "entries of an origin not in this node's roster skipped",
        {{"peer", peer_id_}, {"origin", origin}, {"count", absl::StrCat(count)}});
  }
  if (!malformed_.ok()) return malformed_;
  if (!stream.ok()) return FromGrpcStatus(stream, absl::StrCat("sync with ", peer_id_));
  if (!oversized_.ok()) return oversized_;
  if (totals.stopped_logs > 0) {
    return absl::DataLossError(absl::StrCat("sync with ", peer_id_, ": entries of ", totals.stopped_logs,
                                            " log(s) rejected; see the node log"));
  }
  return totals.applied;
}

}  // namespace

PeerManager::PeerManager(const Options& options, catalog::Store* store, access::AccessControl* access,
                         const access::NodeFiles* files)
    : options_(options), store_(store), access_(access), files_(files) {}

PeerManager::~PeerManager() { Stop(); }

absl::Status PeerManager::Start() {
  auto stored = store_->ScanSettings(kPeerSettingPrefix);
  if (!stored.ok()) return stored.status();
  absl::MutexLock lock(&mu_);
  for (const auto& [name, value] : *stored) {
    auto entry = std::make_unique<PeerEntry>();
    if (!entry->state.mutable_peer()->ParseFromString(value)) return absl::DataLossError("peer setting unreadable");
    const std::string id = entry->state.peer().node_id();
    peers_[id] = std::move(entry);
    if (options_.gossip) StartSubscriber(id);
  }
  if (options_.gossip) gossip_ = std::thread([this] { GossipLoop(); });
  return absl::OkStatus();
}

void PeerManager::Stop() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [id, entry] : peers_) {
      if (entry->subscription) entry->subscription->TryCancel();
      if (entry->subscriber.joinable()) threads.push_back(std::move(entry->subscriber));
    }
    for (auto& t : retired_) threads.push_back(std::move(t));
    wake_.SignalAll();
  }
  if (gossip_.joinable()) gossip_.join();
  for (auto& t : threads) t.join();
}

absl::Duration PeerManager::BackoffFor(int failures) const {
  if (failures <= 0) return absl::ZeroDuration();
  absl::Duration backoff = absl::Seconds(1) * (1 << std::min(failures - 1, 16));
  return std::min(backoff, options_.max_backoff);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> PeerManager::ChannelTo(const v1::Peer& peer) const {
  std::optional<v1::RosterMember> member = access_->Member(peer.node_id());
  if (!member) return absl::FailedPreconditionError(absl::StrCat("peer '", peer.node_id(), "' is not in the roster"));
  const std::string endpoint = peer.endpoint().empty() ? member->endpoint() : peer.endpoint();
  if (endpoint.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("peer '", peer.node_id(), "' has no endpoint (roster or --endpoint)"));
  }
  // Mutual TLS: we trust exactly the certificate the roster names for the
  // peer, and present ours so that it knows us by the roster too.
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = member->tls_certificate();
  ssl.pem_private_key = files_->tls_key_pem;
  ssl.pem_cert_chain = files_->tls_certificate_pem;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  return grpc::CreateCustomChannel(endpoint, grpc::SslCredentials(ssl), args);
}

std::vector<ChunkFetcher::Source> PeerManager::ChunkSources(const std::string& origin) const {
  std::vector<v1::Peer> candidates;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = peers_.find(origin); it != peers_.end() && !it->second->removed) {
      candidates.push_back(it->second->state.peer());
    } else {
      candidates.emplace_back().set_node_id(origin);  // reached at its roster endpoint
    }
    for (const auto& [id, entry] : peers_) {
      if (id != origin && !entry->removed) candidates.push_back(entry->state.peer());
    }
  }
  std::vector<ChunkFetcher::Source> sources;
  for (const v1::Peer& peer : candidates) {
    if (peer.node_id() == access_->node_id()) continue;
    const std::optional<v1::RosterMember> member = access_->Member(peer.node_id());
    if (!member || member->max_tier() < v1::TIER_EXPERT) continue;  // it holds no chunk, and would refuse us
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ChannelTo(peer);
    if (channel.ok()) sources.push_back(PeerChunkSource(peer.node_id(), *std::move(channel)));
  }
  return sources;
}

absl::Status PeerManager::AddPeer(const v1::Peer& peer) {
  if (peer.node_id().empty()) return absl::InvalidArgumentError("peer.node_id: required");
  BIBIA_RETURN_IF_ERROR(catalog::CheckId("peer.node_id", peer.node_id()));  // node ids share the id alphabet
  if (peer.node_id() == access_->node_id()) return absl::InvalidArgumentError("peer.node_id: that is this node");
  if (!peer.endpoint().empty()) BIBIA_RETURN_IF_ERROR(access::CheckEndpoint(peer.endpoint(), "peer.endpoint"));
  if (!access_->Member(peer.node_id())) {
    return absl::FailedPreconditionError(
        absl::StrCat("peer.node_id: '", peer.node_id(), "' is not in the installed roster"));
  }
  if (auto s = store_->PutSetting(absl::StrCat(kPeerSettingPrefix, peer.node_id()), peer.SerializeAsString());
      !s.ok()) {
    return s;
  }
  absl::MutexLock lock(&mu_);
  auto& entry = peers_[peer.node_id()];
  if (entry) {
    // A new endpoint deserves a try now, whatever the backoff of the old one.
    *entry->state.mutable_peer() = peer;
    entry->state.set_consecutive_failures(0);
    entry->next_attempt = absl::InfinitePast();
    entry->hinted = true;
    ++entry->generation;
    if (entry->subscription) entry->subscription->TryCancel();
    wake_.SignalAll();
    return absl::OkStatus();
  }
  entry = std::make_unique<PeerEntry>();
  *entry->state.mutable_peer() = peer;
  if (options_.gossip && !stopping_) StartSubscriber(peer.node_id());
  wake_.SignalAll();
  return absl::OkStatus();
}

absl::Status PeerManager::RemovePeer(const std::string& node_id) {
  absl::MutexLock lock(&mu_);
  auto it = peers_.find(node_id);
  if (it == peers_.end()) return absl::NotFoundError(absl::StrCat("peer '", node_id, "' is not a peer of this node"));
  if (auto s = store_->DeleteSetting(absl::StrCat(kPeerSettingPrefix, node_id)); !s.ok()) return s;
  it->second->removed = true;
  if (it->second->subscription) it->second->subscription->TryCancel();
  if (it->second->subscriber.joinable()) retired_.push_back(std::move(it->second->subscriber));
  peers_.erase(it);
  return absl::OkStatus();
}

std::vector<v1::PeerState> PeerManager::ListPeers() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::PeerState> states;
  for (const auto& [id, entry] : peers_) {
    v1::PeerState& state = states.emplace_back(entry->state);
    if (!state.peer().endpoint().empty()) {
      state.set_endpoint_in_use(state.peer().endpoint());
    } else if (std::optional<v1::RosterMember> member = access_->Member(id)) {
      state.set_endpoint_in_use(member->endpoint());
    }
    if (state.consecutive_failures() > 0 && entry->next_attempt != absl::InfinitePast()) {
      state.set_next_attempt_unix_ms(absl::ToUnixMillis(entry->next_attempt));
    }
  }
  return states;
}

int64_t PeerManager::entries_rejected() const {
  absl::MutexLock lock(&mu_);
  return rejected_;
}

absl::StatusOr<int64_t> PeerManager::SyncNow(const std::string& node_id, absl::Time deadline) {
  std::vector<std::string> targets;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, entry] : peers_) {
      if (node_id.empty() || id == node_id) targets.push_back(id);
    }
  }
  if (!node_id.empty() && targets.empty()) {
    return absl::NotFoundError(absl::StrCat("peer '", node_id, "' is not a peer of this node"));
  }
  // A peer that fails is not this call's error: its state (last_error) says
  // what went wrong, and the caller sees it next to the others'.
  int64_t applied = 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    const absl::Time share =
        deadline == absl::InfiniteFuture()
            ? deadline
            : absl::Now() + (deadline - kAnswerMargin - absl::Now()) / static_cast<int64_t>(targets.size() - i);
    auto n = SyncWith(targets[i], share);
    if (n.ok()) applied += *n;
  }
  return applied;
}

absl::StatusOr<int64_t> PeerManager::SyncWith(const std::string& node_id, absl::Time deadline) {
  v1::Peer peer;
  {
    absl::MutexLock lock(&mu_);
    auto it = peers_.find(node_id);
    if (it == peers_.end()) return absl::NotFoundError(absl::StrCat("peer '", node_id, "' was removed"));
    peer = it->second->state.peer();
    it->second->state.set_last_attempt_unix_ms(NowMs());
  }
  v1::PeerState observed;
  const int64_t conflicts_before = store_->conflicts();
  auto applied = PullFrom(peer, deadline, &observed);
  if (const int64_t conflicts = store_->conflicts() - conflicts_before; conflicts > 0) {
    // Rare and worth an operator's look: the copies stay different until one
    // of the two nodes deletes its record.
    Log(LogLevel::kWarning, "ownership conflict",
        {{"peer", node_id},
         {"entries", absl::StrCat(conflicts)},
         {"meaning", "records another node owns here; kept in the log, not applied"}});
  }
  absl::MutexLock lock(&mu_);
  rejected_ += observed.entries_rejected();
  auto it = peers_.find(node_id);
  if (it == peers_.end()) return applied;
  PeerEntry& entry = *it->second;
  entry.state.set_entries_rejected(entry.state.entries_rejected() + observed.entries_rejected());
  // A sync that succeeded read the peer's frontier, empty or not.
  if (applied.ok() || observed.frontier_size() > 0) *entry.state.mutable_frontier() = observed.frontier();
  if (applied.ok()) {
    entry.state.set_entries_applied(entry.state.entries_applied() + *applied);
    entry.state.set_last_success_unix_ms(NowMs());
    entry.state.set_consecutive_failures(0);
    entry.state.clear_last_error();
    entry.next_attempt = absl::InfinitePast();
  } else {
    entry.state.set_consecutive_failures(entry.state.consecutive_failures() + 1);
    entry.state.set_last_error(std::string(applied.status().message()));
    const absl::Duration backoff = BackoffFor(entry.state.consecutive_failures());
    entry.next_attempt = absl::Now() + backoff;
    // At most one line a minute per peer while it stays down (the backoff).
    Log(LogLevel::kWarning, "sync failed",
        {{"peer", node_id},
         {"error", std::string(applied.status().message())},
         {"failures", absl::StrCat(entry.state.consecutive_failures())},
         {"retry_in", absl::FormatDuration(backoff)}});
  }
  return applied;
}

absl::StatusOr<int64_t> PeerManager::PullFrom(const v1::Peer& peer, absl::Time deadline, v1::PeerState* observed) {
  auto channel = ChannelTo(peer);
  if (!channel.ok()) return channel.status();
  const absl::Time started = absl::Now();
  deadline = std::min(deadline, started + kMaxPull);
  BIBIA_RETURN_IF_ERROR(AwaitConnection(**channel, peer, started, deadline));
  auto stub = v1::Federation::NewStub(*channel);
  // Before the frontier: a run of a log dropped after this point is stale.
  const uint64_t drop_generation = store_->drop_generation();
  // Entries above this node's own roster tier are refused even if a peer
  // sends them (a relay with an outdated roster, or a malicious one); the
  // request says so, so that an honest peer does not send them.
  const v1::Tier my_tier = access_->HeldTier();
  BIBIA_ASSIGN_OR_RETURN(v1::SyncRequest request, SyncRequestFor(*store_, my_tier));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  auto reader = stub->Sync(&context, request);
  PullReceiver receiver(store_, access_, peer.node_id(), my_tier, drop_generation, options_.max_buffered_bytes);
  v1::SyncBatch batch;
  bool first = true;
  while (receiver.malformed().ok() && reader->Read(&batch)) {
    if (first) {
      *observed->mutable_frontier() = batch.frontier();
      first = false;
    }
    for (std::string& bytes : *batch.mutable_entries()) {
      if (!receiver.Receive(bytes, observed)) {
        context.TryCancel();
        break;
      }
    }
  }
  const grpc::Status status = reader->Finish();
  return receiver.Finish(status, observed);
}

void PeerManager::StartSubscriber(const std::string& node_id) {
  peers_[node_id]->subscriber = std::thread([this, node_id] { SubscribeLoop(node_id); });
}

void PeerManager::SubscribeLoop(const std::string& node_id) {
  int failures = 0;
  while (true) {
    v1::Peer peer;
    // Shared with the peer's entry, which may cancel it (and be erased) while
    // this thread still reads from the call.
    auto context = std::make_shared<grpc::ClientContext>();
    uint64_t generation = 0;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      auto it = peers_.find(node_id);
      if (it == peers_.end() || it->second->removed) return;
      peer = it->second->state.peer();
      generation = it->second->generation;
      it->second->subscription = context;
    }
    auto channel = ChannelTo(peer);
    bool got_hint = false;
    if (channel.ok()) {
      auto stub = v1::Federation::NewStub(*channel);
      auto reader = stub->Subscribe(context.get(), v1::SubscribeRequest());
      v1::Hint hint;
      while (reader->Read(&hint)) {
        got_hint = true;
        failures = 0;
        absl::MutexLock lock(&mu_);
        if (auto it = peers_.find(node_id); it != peers_.end()) it->second->hinted = true;
        wake_.SignalAll();
      }
      (void)reader->Finish();
    }
    if (!got_hint) ++failures;
    // Reconnect after a pause that grows while the peer stays unreachable,
    // or at once when it is re-added with a new endpoint.
    absl::MutexLock lock(&mu_);
    const absl::Time until =
        absl::Now() + std::clamp(BackoffFor(failures), absl::Milliseconds(200), kMaxResubscribePause);
    auto readded = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      auto it = peers_.find(node_id);
      return it != peers_.end() && it->second->generation != generation;
    };
    while (!stopping_ && !readded() && !wake_.WaitWithDeadline(&mu_, until)) {
    }
    if (stopping_) return;
    if (readded()) failures = 0;
  }
}

void PeerManager::GossipLoop() {
  std::mt19937_64 random(std::hash<std::string>()(access_->node_id()) ^ static_cast<uint64_t>(NowMs()));
  absl::Time next_round = absl::Now();
  while (true) {
    std::vector<std::string> targets;
    {
      absl::MutexLock lock(&mu_);
      auto has_work = [this, &next_round]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        if (stopping_ || absl::Now() >= next_round) return true;
        for (const auto& [id, entry] : peers_) {
          if (entry->hinted) return true;
        }
        return false;
      };
      while (!has_work()) wake_.WaitWithDeadline(&mu_, next_round);
      if (stopping_) return;
      const absl::Time now = absl::Now();
      std::vector<std::string> eligible;
      for (auto& [id, entry] : peers_) {
        if (entry->hinted) {
          entry->hinted = false;
          targets.push_back(id);  // a hint goes through even while backing off
        } else if (entry->next_attempt <= now) {
          eligible.push_back(id);
        }
      }
      if (now >= next_round) {
        std::shuffle(eligible.begin(), eligible.end(), random);
        for (size_t i = 0; i < eligible.size() && static_cast<int>(i) < options_.fanout; ++i) {
          targets.push_back(eligible[i]);
        }
        next_round = now + options_.interval;
      }
    }
    for (const auto& id : targets) (void)SyncWith(id);
  }
}

}  // namespace bibia::node
