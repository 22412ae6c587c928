#include "node/federation_service.h"

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "node/chunk_stream.h"
#include "node/request_guard.h"

namespace bibia::node {
namespace {

std::string FrontierKeyOf(const std::string& origin, v1::Tier tier) { return absl::StrCat(origin, "/", tier); }

// The heads of the logs a caller of roster tier `allowed` may receive.
using VisibleHeads = absl::flat_hash_map<std::string, uint64_t>;
absl::StatusOr<VisibleHeads> VisibleLogs(const catalog::Store& store, const access::AccessControl& access,
                                         v1::Tier allowed) {
  auto frontier = store.Frontier();
  if (!frontier.ok()) return frontier.status();
  VisibleHeads heads;
  for (const auto& f : *frontier) {
    if (f.tier() <= allowed && access.IsLogOrigin(f.origin())) heads[FrontierKeyOf(f.origin(), f.tier())] = f.seq();
  }
  return heads;
}

// True if a log of `now` is past where it was in `before` (or new): what the
// caller has not been hinted of. A log dropped and pulled again counts anew.
bool Advanced(const VisibleHeads& now, const VisibleHeads& before) {
  for (const auto& [log, seq] : now) {
    const auto it = before.find(log);
    if (it == before.end() || seq > it->second) return true;
  }
  return false;
}

uint64_t SumOf(const VisibleHeads& heads) {
  uint64_t sum = 0;
  for (const auto& [log, seq] : heads) sum += seq;
  return sum;
}

}  // namespace

grpc::Status FederationService::Sync(grpc::ServerContext* context, const v1::SyncRequest* request,
                                     grpc::ServerWriter<v1::SyncBatch>* writer) {
  RequestGuard guard(*access_, context, access::Operation::kSync);
  if (!guard.allowed()) return guard.Finish();
  v1::Tier allowed = guard.caller().tier;
  if (request->max_tier() != v1::TIER_UNSPECIFIED) allowed = std::min(allowed, request->max_tier());
  absl::flat_hash_map<std::string, uint64_t> theirs;
  for (const auto& f : request->frontier()) theirs[FrontierKeyOf(f.origin(), f.tier())] = f.seq();

  auto frontier = store_->Frontier();
  if (!frontier.ok()) return guard.Finish(frontier.status());
  v1::SyncBatch first;
  for (const auto& f : *frontier) {
    if (f.tier() > allowed) continue;  // tiers above the caller's stay invisible
    // Logs of a member the roster no longer lists stay here, but go to no
    // one: no receiver could verify them.
    if (!access_->IsLogOrigin(f.origin())) continue;
    *first.add_frontier() = f;
  }
  if (!writer->Write(first)) return guard.Finish(absl::CancelledError("caller went away"));

  size_t sent = 0;
  for (const auto& f : first.frontier()) {
    if (f.origin() == guard.caller().subject) continue;  // its own log comes from itself
    uint64_t after = theirs[FrontierKeyOf(f.origin(), f.tier())];
    while (after < f.seq()) {
      if (context->IsCancelled()) return guard.Finish(absl::CancelledError("caller went away"));
      uint64_t last_seq = after;
      auto entries =
          store_->ReadLogSerialized(f.origin(), f.tier(), after, kSyncBatchEntries, &last_seq, kSyncReadBytes);
      if (!entries.ok()) return guard.Finish(entries.status());
      if (entries->empty()) break;
      after = last_seq;
      // A run may exceed one message when a large write batch has a single
      // signature at its end, or when its entries are large: messages are
      // capped in entries and in bytes (far below gRPC's message limit), and
      // the receiver buffers until it sees the signed entry.
      for (size_t i = 0; i < entries->size();) {
        v1::SyncBatch batch;
        size_t bytes = 0;
        for (; i < entries->size() && static_cast<size_t>(batch.entries_size()) < kSyncBatchEntries &&
               (batch.entries_size() == 0 || bytes + (*entries)[i].size() <= kSyncBatchBytes);
             ++i) {
          bytes += (*entries)[i].size();
          *batch.add_entries() = std::move((*entries)[i]);
        }
        if (!writer->Write(batch)) return guard.Finish(absl::CancelledError("caller went away"));
      }
      sent += entries->size();
      if (request->max_entries() > 0 && sent >= request->max_entries()) return guard.Finish();
    }
  }
  return guard.Finish();
}

grpc::Status FederationService::Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                                          grpc::ServerWriter<v1::Hint>* writer) {
  RequestGuard guard(*access_, context, access::Operation::kSubscribe);
  if (!guard.allowed()) return guard.Finish();
  // Hinted only of what the caller may receive: a hint at every commit would
  // tell a public mirror when, and how often, restricted data is written.
  const v1::Tier allowed = guard.caller().tier;
  const std::string member = guard.caller().subject;
  uint64_t seen;
  uint64_t me;
  {
    absl::MutexLock lock(&mu_);
    seen = generation_;
    me = ++next_subscriber_;
    subscribers_[member] = me;  // the stream it replaces, if any, sees it and ends
    changed_.SignalAll();
  }
  absl::Cleanup unregister = [&] {
    absl::MutexLock lock(&mu_);
    if (auto it = subscribers_.find(member); it != subscribers_.end() && it->second == me) subscribers_.erase(it);
  };
  absl::StatusOr<VisibleHeads> hinted = VisibleLogs(*store_, *access_, allowed);
  if (!hinted.ok()) return guard.Finish(hinted.status());
  // A first hint at once: the subscriber may have missed writes while it was
  // disconnected (this node restarting, say), and learns that it is back.
  {
    v1::Hint hint;
    hint.set_origin(access_->node_id());
    hint.set_seq(SumOf(*hinted));
    if (!writer->Write(hint)) return guard.Finish();
  }
  while (true) {
    uint64_t current;
    bool stop;
    bool replaced;
    {
      absl::MutexLock lock(&mu_);
      const auto is_replaced = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        auto it = subscribers_.find(member);
        return it == subscribers_.end() || it->second != me;
      };
      // Wake at least once a second to notice a cancelled call.
      const absl::Time deadline = absl::Now() + absl::Seconds(1);
      while (generation_ == seen && !stopping_ && !is_replaced() && !changed_.WaitWithDeadline(&mu_, deadline)) {
      }
      current = generation_;
      stop = stopping_;
      replaced = is_replaced();
    }
    if (replaced) {
      return guard.Finish(absl::AbortedError(
          absl::StrCat("Subscribe: replaced by a newer Subscribe stream from member '", member,
                       "' (one stream per member)")));
    }
    if (stop || context->IsCancelled()) break;
    if (current == seen) continue;
    seen = current;
    absl::StatusOr<VisibleHeads> now = VisibleLogs(*store_, *access_, allowed);
    if (!now.ok()) return guard.Finish(now.status());
    const bool advanced = Advanced(*now, *hinted);
    hinted = std::move(now);
    if (!advanced) continue;  // nothing new this caller may see
    v1::Hint hint;
    hint.set_origin(access_->node_id());
    hint.set_seq(SumOf(*hinted));
    if (!writer->Write(hint)) break;
  }
  return guard.Finish();
}

void FederationService::Notify() {
  absl::MutexLock lock(&mu_);
  ++generation_;
  changed_.SignalAll();
}

void FederationService::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  changed_.SignalAll();
}

grpc::Status FederationService::FetchChunks(grpc::ServerContext* context, const v1::FetchChunksRequest* request,
                                            grpc::ServerWriter<v1::DownloadChunksResponse>* writer) {
  RequestGuard guard(*access_, context, access::Operation::kFetchChunks);
  if (!guard.allowed()) return guard.Finish();
  if (absl::Status s = CheckHashCount(request->sha256_size(), kMaxDownloadHashes); !s.ok()) return guard.Finish(s);
  // Only what is held: the peer asks another node for the rest.
  return guard.Finish(
      StreamStoredChunks(*store_->chunks(), request->sha256(), AbsentChunk::kSkip, context, writer));
}

}  // namespace bibia::node
