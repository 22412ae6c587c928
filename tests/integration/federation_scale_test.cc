// Federation at scale and under failure, with real bibia-node processes on
// 127.0.0.1 over mutual TLS:
//  - 16 nodes, 3 random peers each, default gossip: every write reaches every
//    node; write-to-visible latencies are printed (figures, not assertions);
//  - kill -9 of a node in the middle of a large pull sync: after restart it
//    catches up to exactly the origin's logs (no gap, no duplicate, chain intact);
//  - a partition healed: two halves written apart converge once rejoined.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "catalog/store.h"
#include "catalog/log_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/federation_harness.h"

namespace bibia::testing {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// Nearest-rank median (the lower middle for an even count).
double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[(values.size() - 1) / 2];
}

double Max(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

// pulls[i]: the nodes node i pulls from (its peers). Data flows j -> i.
using PullGraph = std::vector<std::vector<int>>;

PullGraph RandomPullGraph(int nodes, int peers_each, uint64_t seed) {
  std::mt19937_64 random(seed);
  PullGraph graph(nodes);
  for (int i = 0; i < nodes; ++i) {
    std::set<int> chosen;
    for (int attempts = 0; static_cast<int>(chosen.size()) < peers_each && attempts < 10000; ++attempts) {
      int j = static_cast<int>(random() % static_cast<uint64_t>(nodes));
      if (j != i) chosen.insert(j);
    }
    graph[i].assign(chosen.begin(), chosen.end());
  }
  return graph;
}

// Hops from `from` to every node following data flow (j -> i when i pulls
// from j); -1 where unreachable.
std::vector<int> HopsFrom(const PullGraph& pulls, int from) {
  const int n = static_cast<int>(pulls.size());
  std::vector<std::vector<int>> feeds(n);  // feeds[j]: nodes that pull from j
  for (int i = 0; i < n; ++i) {
    for (int j : pulls[i]) feeds[j].push_back(i);
  }
  std::vector<int> hops(n, -1);
  std::vector<int> queue = {from};
  hops[from] = 0;
  for (size_t head = 0; head < queue.size(); ++head) {
    for (int next : feeds[queue[head]]) {
      if (hops[next] < 0) {
        hops[next] = hops[queue[head]] + 1;
        queue.push_back(next);
      }
    }
  }
  return hops;
}

// Strongly connected iff node 0 reaches every node and every node reaches 0.
bool StronglyConnected(const PullGraph& pulls) {
  const int n = static_cast<int>(pulls.size());
  PullGraph reversed(n);  // reversed[j] holds i when i pulls from j
  for (int i = 0; i < n; ++i) {
    for (int j : pulls[i]) reversed[j].push_back(i);
  }
  auto reaches_all = [n](const std::vector<int>& hops) {
    return std::count(hops.begin(), hops.end(), -1) == 0 && static_cast<int>(hops.size()) == n;
  };
  return reaches_all(HopsFrom(pulls, 0)) && reaches_all(HopsFrom(reversed, 0));
}

using FrontierMap = std::map<std::pair<std::string, int>, uint64_t>;  // (origin, tier) -> seq

absl::StatusOr<v1::FederationStatusResponse> StatusOf(FederationHarness& f, int i) {
  v1::FederationStatusResponse response;
  grpc::Status s = f.peers(i).Status(Context(Bearer(f.admin_token(i)), 10).get(), v1::FederationStatusRequest(),
                                     &response);
  if (!s.ok()) return absl::InternalError(absl::StrCat("status of ", f.id(i), ": ", Describe(s)));
  return response;
}

// Node i's frontier for `origin` only.
absl::StatusOr<FrontierMap> FrontierFor(FederationHarness& f, int i, const std::string& origin) {
  auto status = StatusOf(f, i);
  if (!status.ok()) return status.status();
  FrontierMap frontier;
  for (const auto& e : status->frontier()) {
    if (e.origin() == origin) frontier[{e.origin(), static_cast<int>(e.tier())}] = e.seq();
  }
  return frontier;
}

uint64_t Total(const FrontierMap& frontier) {
  uint64_t total = 0;
  for (const auto& [key, seq] : frontier) total += seq;
  return total;
}

std::string Show(const FrontierMap& frontier) {
  std::string out;
  for (const auto& [key, seq] : frontier) {
    absl::StrAppend(&out, out.empty() ? "" : " ", key.first, "/", v1::Tier_Name(static_cast<v1::Tier>(key.second)),
                    "=", seq);
  }
  return out.empty() ? "(empty)" : out;
}

absl::StatusOr<std::vector<std::string>> ProjectIds(FederationHarness& f, int i) {
  std::vector<std::string> ids;
  v1::ListProjectsRequest request;
  request.set_page_size(500);
  for (int page = 0; page < 1000; ++page) {
    v1::ListProjectsResponse response;
    grpc::Status s = f.stubs(i).catalog->ListProjects(Context(std::nullopt, 30).get(), request, &response);
    if (!s.ok()) return absl::InternalError(absl::StrCat("list projects of ", f.id(i), ": ", Describe(s)));
    for (const auto& p : response.projects()) ids.push_back(p.id());
    if (response.next_page_token().empty()) return ids;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("list projects: too many pages");
}

absl::StatusOr<int64_t> ProjectCount(FederationHarness& f, int i) {
  v1::StatsResponse response;
  grpc::Status s = f.stubs(i).catalog->Stats(Context(std::nullopt, 10).get(), v1::StatsRequest(), &response);
  if (!s.ok()) return absl::InternalError(absl::StrCat("stats of ", f.id(i), ": ", Describe(s)));
  return response.projects();
}

// One Contribute.Import call of `projects`, streamed `per_message` at a time.
grpc::Status ImportMany(FederationHarness& f, int i, const std::vector<v1::Project>& projects, size_t per_message,
                        v1::ImportResponse* response) {
  auto context = Context(Bearer(f.admin_token(i)), 120);
  auto writer = f.stubs(i).contribute->Import(context.get(), response);
  for (size_t start = 0; start < projects.size(); start += per_message) {
    v1::ImportRequest batch;
    for (size_t k = start; k < std::min(projects.size(), start + per_message); ++k) *batch.add_projects() = projects[k];
    batch.set_last(start + per_message >= projects.size());
    if (!writer->Write(batch)) break;  // the status says why
  }
  (void)writer->WritesDone();
  return writer->Finish();
}

// SIGTERM to `nodes` at once. A node holding an idle connection from this
// test's stubs takes its whole 5 s grace to stop; in parallel it is paid once.
void StopNodes(FederationHarness& f, const std::vector<int>& nodes) {
  std::vector<std::thread> stoppers;
  for (int i : nodes) stoppers.emplace_back([&f, i] { f.Stop(i); });
  for (auto& t : stoppers) t.join();
}

// True once every node of `nodes` serves every project of `ids`, polled
// until `timeout`.
bool WaitAll(FederationHarness& f, const std::vector<int>& nodes, const std::vector<std::string>& ids,
             absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::set<std::pair<int, std::string>> missing;
  for (int i : nodes) {
    for (const auto& id : ids) missing.insert({i, id});
  }
  while (true) {
    for (auto it = missing.begin(); it != missing.end();) {
      it = f.HasProject(it->first, it->second) ? missing.erase(it) : std::next(it);
    }
    if (missing.empty()) return true;
    if (absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  for (const auto& [i, id] : missing) std::cout << "  still missing: " << f.id(i) << " lacks " << id << "\n";
  return false;
}

// Pull rounds served so far by all nodes: each node logs every Federation.Sync
// call it answers (at debug level when it succeeds, higher when it fails).
int64_t SyncRoundsServed(FederationHarness& f) {
  int64_t rounds = 0;
  for (int i = 0; i < f.size(); ++i) {
    const std::string log = f.node(i).log();
    for (size_t at = log.find("method=Sync "); at != std::string::npos; at = log.find("method=Sync ", at + 1)) ++rounds;
  }
  return rounds;
}

std::string PeerSummary(FederationHarness& f, int i) {
  v1::ListPeersResponse response;
  grpc::Status s = f.peers(i).ListPeers(Context(Bearer(f.admin_token(i)), 10).get(), v1::ListPeersRequest(), &response);
  if (!s.ok()) return Describe(s);
  std::string out;
  for (const auto& p : response.peers()) {
    absl::StrAppend(&out, " ", p.peer().node_id(), "@", p.peer().endpoint(), "[fail=", p.consecutive_failures(),
                    " applied=", p.entries_applied(), " err=", p.last_error(), "]");
  }
  return out;
}

// ---------------------------------------------------------------------------
// 1. Sixteen nodes, three random peers each, default gossip settings.

TEST(FederationScaleTest, SixteenNodesRandomPeersConvergeWithDefaultGossip) {
  constexpr int kNodes = 16;
  constexpr int kPeersEach = 3;
  constexpr int kWrites = 5;
  constexpr uint64_t kFirstSeed = 20240611;
  TempDir dir;
  // No --gossip-interval / --fanout: the real defaults (2 s, 3). Debug logs
  // only to count the Sync calls each node serves.
  FederationHarness f(dir.path(), kNodes, {"--log-level", "debug"});
  ASSERT_TRUE(f.StartAll().ok());
  ASSERT_TRUE(f.InstallRoster().ok());

  uint64_t seed = kFirstSeed;
  PullGraph graph = RandomPullGraph(kNodes, kPeersEach, seed);
  for (int tries = 0; !StronglyConnected(graph) && tries < 1000; ++tries) graph = RandomPullGraph(kNodes, kPeersEach, ++seed);
  ASSERT_TRUE(StronglyConnected(graph));
  std::cout << "[scale] pull graph (seed " << seed << ", " << kPeersEach << " peers each, strongly connected):\n";
  for (int i = 0; i < kNodes; ++i) {
    std::cout << "[scale]   " << f.id(i) << " pulls from";
    for (int j : graph[i]) std::cout << " " << f.id(j);
    std::cout << "\n";
  }
  for (int i = 0; i < kNodes; ++i) {
    for (int j : graph[i]) ASSERT_TRUE(f.AddPeer(i, j).ok()) << f.id(i) << " <- " << f.id(j);
  }

  // Steady state first: every node has synced once with each of its peers
  // (within a gossip interval), so the figures below are not those of
  // connection set-up.
  {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    int ready = 0;
    while (absl::Now() < deadline) {
      ready = 0;
      for (int i = 0; i < kNodes; ++i) {
        v1::ListPeersResponse peers;
        if (!f.peers(i).ListPeers(Context(Bearer(f.admin_token(i))).get(), v1::ListPeersRequest(), &peers).ok()) continue;
        bool all = peers.peers_size() == kPeersEach;
        for (const auto& p : peers.peers()) all = all && p.last_success_unix_ms() > 0;
        ready += all ? 1 : 0;
      }
      if (ready == kNodes) break;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_EQ(ready, kNodes) << "not every node synced once with each of its peers";
  }

  std::mt19937_64 random(seed);
  const int64_t rounds_before = SyncRoundsServed(f);
  std::vector<double> all_latencies;  // (node, write) pairs, the writer excluded
  std::map<int, std::vector<double>> by_hops;  // the same, by distance from the writer
  for (int w = 0; w < kWrites; ++w) {
    const int writer = static_cast<int>(random() % kNodes);
    const std::string id = absl::StrCat("scale-write-", w);
    const std::vector<int> hops = HopsFrom(graph, writer);
    const int64_t rounds_at_write = SyncRoundsServed(f);
    const Clock::time_point start = Clock::now();
    ASSERT_TRUE(f.Put(writer, ThreeFacetProject(id)).ok());
    const double ack_ms = MsSince(start, Clock::now());

    // Poll every node in turn, a few ms apart, until each serves the project.
    std::vector<double> seen_ms(kNodes, -1);
    const Clock::time_point deadline = start + std::chrono::seconds(60);
    int remaining = kNodes;
    while (remaining > 0 && Clock::now() < deadline) {
      for (int i = 0; i < kNodes; ++i) {
        if (seen_ms[i] >= 0) continue;
        if (f.HasProject(i, id)) {
          seen_ms[i] = MsSince(start, Clock::now());
          --remaining;
        }
      }
      if (remaining > 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    for (int i = 0; i < kNodes; ++i) {
      EXPECT_GE(seen_ms[i], 0) << f.id(i) << " never served " << id << " (written on " << f.id(writer)
                               << ")\npeers:" << PeerSummary(f, i) << "\nlog:\n" << f.node(i).log();
    }
    ASSERT_EQ(remaining, 0) << remaining << " node(s) did not converge within 60 s";

    std::vector<double> others;
    for (int i = 0; i < kNodes; ++i) {
      if (i == writer) continue;
      others.push_back(seen_ms[i]);
      by_hops[hops[i]].push_back(seen_ms[i]);
    }
    all_latencies.insert(all_latencies.end(), others.begin(), others.end());
    std::cout << absl::StrFormat(
        "[scale] write %d on %s (put acked in %.0f ms, farthest node %d hops): visible on the other %d nodes "
        "after median %.0f ms, max %.0f ms (%d sync rounds meanwhile)\n",
        w + 1, f.id(writer), ack_ms, *std::max_element(hops.begin(), hops.end()), static_cast<int>(others.size()),
        Median(others), Max(others), static_cast<int>(SyncRoundsServed(f) - rounds_at_write));
  }
  std::cout << absl::StrFormat(
      "[scale] all %d writes, %d (node, write) pairs: write-to-visible median %.0f ms, max %.0f ms "
      "(16 nodes, 3 peers each, gossip-interval 2s, fanout 3)\n",
      kWrites, static_cast<int>(all_latencies.size()), Median(all_latencies), Max(all_latencies));
  for (const auto& [h, latencies] : by_hops) {
    std::cout << absl::StrFormat("[scale]   nodes %d hop(s) from the writer: %d pairs, median %.0f ms, max %.0f ms\n", h,
                                 static_cast<int>(latencies.size()), Median(latencies), Max(latencies));
  }

  // Each write is three entries (public, restricted, expert facets) that
  // every other node applies exactly once, whichever peer brings them first.
  int64_t applied = 0, rejected = 0, peers_synced = 0;
  for (int i = 0; i < kNodes; ++i) {
    auto status = StatusOf(f, i);
    ASSERT_TRUE(status.ok()) << status.status();
    rejected += status->entries_rejected();
    for (const auto& p : status->peers()) {
      applied += p.entries_applied();
      peers_synced += p.last_success_unix_ms() > 0 ? 1 : 0;
    }
  }
  std::cout << "[scale] entries applied over all nodes and peers: " << applied << " (expected "
            << (kNodes - 1) * kWrites * 3 << "), rejected: " << rejected << "; Sync calls served during the "
            << kWrites << " writes: " << SyncRoundsServed(f) - rounds_before << " (from the nodes' debug logs)\n";
  EXPECT_EQ(applied, static_cast<int64_t>((kNodes - 1) * kWrites * 3));
  EXPECT_EQ(rejected, 0);
  EXPECT_EQ(peers_synced, kNodes * kPeersEach);
}

// ---------------------------------------------------------------------------
// 2. kill -9 in the middle of a large pull sync.

// Projects "bulk-NNNNN" imported on node 0 in several Import calls of varied
// sizes, so that its logs hold signed runs of several lengths (a run is one
// write batch, signed at its last entry), one of them longer than a sync
// message (1,000 entries).
constexpr int kImportSizes[] = {1000, 600, 400, 300, 250, 200, 150, 100, 400};

TEST(FederationScaleTest, KillNineDuringSyncThenCatchUpKeepsChainContiguous) {
  constexpr int kOrigin = 0;
  // Each B is a fresh node that pulls from the origin; each is killed at
  // another moment of its first sync (which takes ~150 ms here): once its
  // first run is applied, once half the entries are, and after three
  // random delays.
  enum class KillAt { kFirstApplied, kHalfApplied, kRandomDelay };
  const std::vector<std::pair<int, KillAt>> trials = {{1, KillAt::kFirstApplied},
                                                      {2, KillAt::kHalfApplied},
                                                      {3, KillAt::kRandomDelay},
                                                      {4, KillAt::kRandomDelay},
                                                      {5, KillAt::kRandomDelay}};
  TempDir dir;
  FederationHarness f(dir.path(), 1 + static_cast<int>(trials.size()), {"--no-gossip"});
  ASSERT_TRUE(f.StartAll().ok());
  ASSERT_TRUE(f.InstallRoster().ok());
  for (const auto& [b, kill_at] : trials) ASSERT_TRUE(f.AddPeer(b, kOrigin).ok());

  int next = 0;
  const Clock::time_point import_start = Clock::now();
  for (int size : kImportSizes) {
    std::vector<v1::Project> projects;
    for (int k = 0; k < size; ++k) projects.push_back(ThreeFacetProject(absl::StrFormat("bulk-%05d", next++)));
    v1::ImportResponse imported;
    grpc::Status s = ImportMany(f, kOrigin, projects, 50, &imported);
    ASSERT_TRUE(s.ok()) << Describe(s);
    ASSERT_EQ(imported.created(), size);
  }
  const int kProjects = next;
  auto origin_frontier = FrontierFor(f, kOrigin, f.id(kOrigin));
  ASSERT_TRUE(origin_frontier.ok()) << origin_frontier.status();
  const uint64_t kEntries = Total(*origin_frontier);
  ASSERT_EQ(kEntries, static_cast<uint64_t>(3 * kProjects)) << Show(*origin_frontier);
  std::cout << "[kill9] " << f.id(kOrigin) << " imported " << kProjects << " projects (" << kEntries
            << " log entries, " << std::size(kImportSizes) << " imports) in "
            << static_cast<int>(MsSince(import_start, Clock::now())) << " ms: " << Show(*origin_frontier) << "\n";
  auto origin_ids = ProjectIds(f, kOrigin);
  ASSERT_TRUE(origin_ids.ok()) << origin_ids.status();
  ASSERT_EQ(origin_ids->size(), static_cast<size_t>(kProjects));

  std::mt19937_64 random(7);
  int killed_mid_sync = 0;  // trials where B held some but not all entries after its restart
  for (const auto& [b, kill_at] : trials) {
    SCOPED_TRACE(absl::StrCat("B = ", f.id(b)));
    // SyncNow from a thread; meanwhile watch B's frontier for the origin and
    // kill B at the chosen moment.
    std::atomic<bool> sync_done{false};
    const Clock::time_point sync_start = Clock::now();
    std::thread syncer([&f, &sync_done, b = b] {
      v1::SyncNowRequest request;
      v1::SyncNowResponse response;
      // Fails (UNAVAILABLE) when B is killed first; either way only B's store
      // tells what was applied.
      (void)f.peers(b).SyncNow(Context(Bearer(f.admin_token(b)), 120).get(), request, &response);
      sync_done = true;
    });
    const auto random_delay = std::chrono::milliseconds(5 + random() % 200);
    uint64_t seen_before_kill = 0;
    const Clock::time_point watch_deadline = sync_start + std::chrono::seconds(60);
    while (!sync_done && Clock::now() < watch_deadline) {
      bool kill = false;
      if (kill_at == KillAt::kRandomDelay) {
        kill = Clock::now() - sync_start >= random_delay;
      } else {
        auto seen = FrontierFor(f, b, f.id(kOrigin));
        if (seen.ok()) seen_before_kill = Total(*seen);
        kill = kill_at == KillAt::kFirstApplied ? seen_before_kill > 0 : seen_before_kill * 2 >= kEntries;
      }
      if (kill) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const bool finished_before_kill = sync_done;
    const double kill_ms = MsSince(sync_start, Clock::now());
    f.Kill9(b);
    syncer.join();

    ASSERT_TRUE(f.Start(b).ok());
    auto after_restart = FrontierFor(f, b, f.id(kOrigin));
    ASSERT_TRUE(after_restart.ok()) << after_restart.status();
    const uint64_t held = Total(*after_restart);
    std::cout << absl::StrFormat("[kill9] %s killed %.0f ms into its sync%s; after restart it held %d of %d entries "
                                 "(%s)%s\n",
                                 f.id(b), kill_ms,
                                 kill_at == KillAt::kRandomDelay   ? " (random delay)"
                                 : kill_at == KillAt::kFirstApplied ? " (first run applied)"
                                                                    : " (half applied)",
                                 held, kEntries, Show(*after_restart),
                                 finished_before_kill ? " -- the sync had already finished: not mid-sync" : "");
    // What B reported as applied before the kill was durable, and its
    // records and index are those of its log: one project per public entry.
    EXPECT_GE(held, seen_before_kill);
    if (held > 0 && held < kEntries) ++killed_mid_sync;
    auto count_after_restart = ProjectCount(f, b);
    ASSERT_TRUE(count_after_restart.ok()) << count_after_restart.status();
    EXPECT_EQ(static_cast<uint64_t>(*count_after_restart),
              after_restart->count({f.id(kOrigin), v1::TIER_PUBLIC}) ? after_restart->at({f.id(kOrigin), v1::TIER_PUBLIC})
                                                                     : 0);

    // Catch up: SyncNow again until B's frontier for the origin is the origin's.
    FrontierMap caught_up;
    for (int round = 0; round < 20; ++round) {
      v1::SyncNowResponse response;
      grpc::Status s = f.peers(b).SyncNow(Context(Bearer(f.admin_token(b)), 120).get(), v1::SyncNowRequest(),
                                          &response);
      EXPECT_TRUE(s.ok()) << Describe(s);
      auto now = FrontierFor(f, b, f.id(kOrigin));
      ASSERT_TRUE(now.ok()) << now.status();
      caught_up = *now;
      if (caught_up == *origin_frontier) break;
    }
    ASSERT_EQ(Show(caught_up), Show(*origin_frontier)) << f.node(b).log();

    auto count = ProjectCount(f, b);
    ASSERT_TRUE(count.ok()) << count.status();
    EXPECT_EQ(*count, kProjects);
    auto ids = ProjectIds(f, b);
    ASSERT_TRUE(ids.ok()) << ids.status();
    EXPECT_EQ(std::set<std::string>(ids->begin(), ids->end()).size(), ids->size()) << "duplicate ids";
    EXPECT_EQ(*ids, *origin_ids);
    auto status = StatusOf(f, b);
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->entries_rejected(), 0);
  }

  // The kills are timed by B's progress and by random delays: at least one
  // must have landed mid-sync, else this test proved nothing.
  EXPECT_GE(killed_mid_sync, 1);

  // Each B's copy of the origin's logs, read from its store once stopped:
  // seqs 1..N without a gap, each prev_hash the hash of the entry before, and
  // byte for byte the origin's own entries.
  std::vector<int> all_nodes;
  for (int i = 0; i < f.size(); ++i) all_nodes.push_back(i);
  StopNodes(f, all_nodes);
  std::map<int, std::vector<std::string>> origin_log;  // tier -> serialized entries
  {
    catalog::Store::Options options;
    options.node_id = f.id(kOrigin);
    auto store = catalog::Store::Open(f.node(kOrigin).data_dir() + "/db", options);
    ASSERT_TRUE(store.ok()) << store.status();
    for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
      auto entries = (*store)->ReadLog(f.id(kOrigin), tier, 0, std::numeric_limits<size_t>::max());
      ASSERT_TRUE(entries.ok()) << entries.status();
      for (const auto& e : *entries) origin_log[tier].push_back(e.SerializeAsString());
    }
  }
  for (const auto& [b, kill_at] : trials) {
    SCOPED_TRACE(absl::StrCat("store of ", f.id(b)));
    catalog::Store::Options options;
    options.node_id = f.id(b);
    auto store = catalog::Store::Open(f.node(b).data_dir() + "/db", options);
    ASSERT_TRUE(store.ok()) << store.status();
    for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
      const uint64_t expected = origin_frontier->at({f.id(kOrigin), static_cast<int>(tier)});
      auto entries = (*store)->ReadLog(f.id(kOrigin), tier, 0, std::numeric_limits<size_t>::max());
      ASSERT_TRUE(entries.ok()) << entries.status();
      ASSERT_EQ(entries->size(), expected) << v1::Tier_Name(tier);
      std::string prev_hash;  // empty before seq 1
      int mismatches = 0;
      for (size_t k = 0; k < entries->size(); ++k) {
        const v1::LogEntry& e = (*entries)[k];
        ASSERT_EQ(e.origin(), f.id(kOrigin));
        ASSERT_EQ(e.tier(), tier);
        ASSERT_EQ(e.seq(), k + 1) << v1::Tier_Name(tier) << ": gap or duplicate";
        ASSERT_EQ(e.prev_hash(), prev_hash) << v1::Tier_Name(tier) << " seq " << e.seq() << ": chain broken";
        prev_hash = catalog::EntryHash(e);
        if (e.SerializeAsString() != origin_log[tier][k]) ++mismatches;
      }
      EXPECT_FALSE(entries->back().signature().empty()) << "the head of the log is unsigned";
      EXPECT_EQ(mismatches, 0) << v1::Tier_Name(tier) << ": entries differing from the origin's";
    }
  }
}

// ---------------------------------------------------------------------------
// 3. A partition healed.

TEST(FederationScaleTest, PartitionedHalvesConvergeAfterRejoining) {
  constexpr int kNodes = 6;
  TempDir dir;
  FederationHarness f(dir.path(), kNodes);  // default gossip
  ASSERT_TRUE(f.StartAll().ok());
  ASSERT_TRUE(f.InstallRoster().ok());
  // Every node peers with every other, at the endpoints of the moment. After a
  // restart a node listens on a new port: AddPeer again replaces the endpoint.
  auto peer_all = [&f](const std::vector<int>& nodes) {
    for (int i : nodes) {
      for (int j = 0; j < f.size(); ++j) {
        if (j == i) continue;
        ASSERT_TRUE(f.AddPeer(i, j).ok()) << f.id(i) << " <- " << f.id(j);
      }
    }
  };
  peer_all({0, 1, 2, 3, 4, 5});

  // Half {3,4,5} down; {0,1,2} written.
  StopNodes(f, {3, 4, 5});
  ASSERT_TRUE(f.Put(0, ThreeFacetProject("partition-on-n0")).ok());
  ASSERT_TRUE(f.Put(1, ThreeFacetProject("partition-on-n1")).ok());
  ASSERT_TRUE(WaitAll(f, {0, 1, 2}, {"partition-on-n0", "partition-on-n1"}, absl::Seconds(60)));

  // Swap: {0,1,2} down, {3,4,5} up on new ports and written.
  StopNodes(f, {0, 1, 2});
  for (int i : {3, 4, 5}) ASSERT_TRUE(f.Start(i).ok());
  ASSERT_NO_FATAL_FAILURE(peer_all({3, 4, 5}));
  ASSERT_TRUE(f.Put(3, ThreeFacetProject("partition-on-n3")).ok());
  ASSERT_TRUE(f.Put(4, ThreeFacetProject("partition-on-n4")).ok());
  ASSERT_TRUE(WaitAll(f, {3, 4, 5}, {"partition-on-n3", "partition-on-n4"}, absl::Seconds(60)));
  for (int i : {3, 4, 5}) EXPECT_FALSE(f.HasProject(i, "partition-on-n0")) << "the halves were not apart";

  // Rejoin: {0,1,2} up on new ports; every node learns every endpoint.
  for (int i : {0, 1, 2}) ASSERT_TRUE(f.Start(i).ok());
  const Clock::time_point rejoin = Clock::now();
  ASSERT_NO_FATAL_FAILURE(peer_all({0, 1, 2, 3, 4, 5}));
  const std::vector<std::string> all = {"partition-on-n0", "partition-on-n1", "partition-on-n3", "partition-on-n4"};
  const bool converged = WaitAll(f, {0, 1, 2, 3, 4, 5}, all, absl::Seconds(100));
  std::cout << absl::StrFormat("[partition] 6 nodes hold all 4 writes %.0f ms after the halves rejoined%s\n",
                               MsSince(rejoin, Clock::now()), converged ? "" : " (NOT converged)");
  if (!converged) {
    for (int i = 0; i < kNodes; ++i) std::cout << "[partition] " << f.id(i) << " peers:" << PeerSummary(f, i) << "\n";
  }
  EXPECT_TRUE(converged);
}

}  // namespace
}  // namespace bibia::testing
