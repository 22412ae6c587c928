// bibia_search_bench: search latency of bibia's catalogue on a synthetic
// French corpus, in-process (CatalogStore::Search), against SQLite FTS5 on the
// same documents, and end to end through a real bibia-node over gRPC.
// Run with --help for the flags; the report goes to stdout.
#include <grpcpp/grpcpp.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "catalog/store.h"
#include "catalog/search_index.h"
#include "rocksdb/db.h"
#include "rocksdb/version.h"
#include "tests/bench/corpus.h"
#include "tests/bench/fts5_index.h"
#include "tests/bench/latency.h"
#include "tests/bench/node_process.h"

#ifndef BIBIA_BENCH_BUILD_TYPE
#define BIBIA_BENCH_BUILD_TYPE "unknown"
#endif

namespace bibia::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] = R"(bibia_search_bench: search latency of the bibia catalogue.

Generates a deterministic synthetic catalogue of French territorial-AI
projects, loads it into a CatalogStore (in-process) and into SQLite FTS5, times
the same fixed query set on both, then starts bibia-node on the same store and
times the queries through gRPC Search calls.

Usage:
  bibia_search_bench [flags]

Flags:
  --docs N             projects to generate and load (default 100000)
  --queries N          timed query executions per engine, cycling through the
                       fixed query set (default 2000)
  --dir PATH           working directory (must be empty or absent; kept).
                       Default: a fresh temporary directory, removed at the end
  --keep               keep the temporary directory
  --node-binary PATH   bibia-node to start for the end-to-end part (default:
                       <build>/node/bibia-node next to this binary's build
                       tree); skipped with a note if it does not exist
  --seed N             corpus seed (default 42)
  -h, --help           this help
)";

constexpr int kBatchSize = 1000;
constexpr int kPageSize = 20;
constexpr auto kNodeStartDeadline = std::chrono::seconds(30);
constexpr auto kNodeStopGrace = std::chrono::seconds(10);
constexpr auto kRpcDeadline = std::chrono::seconds(10);
constexpr int kFts5CacheMib = 256;  // same as bibia's default block cache
constexpr double kP99TargetUs = 5000;

struct Flags {
  int64_t docs = 100000;
  int64_t queries = 2000;
  std::string dir;
  bool keep = false;
  std::string node_binary;
  uint64_t seed = 42;
};

int Usage(const std::string& error) {
  std::fprintf(stderr, "bibia_search_bench: %s\nRun with --help for usage.\n", error.c_str());
  return 2;
}

std::optional<int> ParseFlags(int argc, char** argv, Flags* flags) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--keep") {
      flags->keep = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) return Usage("unexpected argument '" + arg + "'");
    std::string name = arg.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (name == "docs" || name == "queries" || name == "dir" || name == "node-binary" || name == "seed") {
      if (i + 1 >= argc) return Usage("--" + name + ": missing value");
      value = argv[++i];
    } else {
      return Usage("unknown flag '" + arg + "'");
    }
    if (name == "docs" || name == "queries") {
      int64_t n = 0;
      if (!absl::SimpleAtoi(value, &n) || n < 1 || n > 10000000) {
        return Usage("--" + name + ": '" + value + "' is not a count between 1 and 10000000");
      }
      (name == "docs" ? flags->docs : flags->queries) = n;
    } else if (name == "seed") {
      if (!absl::SimpleAtoi(value, &flags->seed)) return Usage("--seed: '" + value + "' is not a number");
    } else if (name == "dir") {
      flags->dir = value;
    } else if (name == "node-binary") {
      flags->node_binary = value;
    } else if (name == "keep") {
      return Usage("--keep takes no value");
    } else {
      return Usage("unknown flag '--" + name + "'");
    }
  }
  return std::nullopt;
}

// <build>/node/bibia-node for this binary at <build>/tests/bench/.
std::string DefaultNodeBinary() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "node/bibia-node";
  return (self.parent_path().parent_path().parent_path() / "node" / "bibia-node").string();
}

// One report line: a label padded to a column, then the figure.
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}
std::string Pad(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}
void Line(const std::string& label, const std::string& value) {
  std::printf("%s %s\n", Pad(label, 30).c_str(), value.c_str());
  std::fflush(stdout);
}
void Section(const std::string& title) {
  std::printf("\n== %s\n", title.c_str());
  std::fflush(stdout);
}

double Seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }
std::string Rate(int64_t count, int64_t ns) {
  return WithCommas(static_cast<int64_t>(static_cast<double>(count) / std::max(Seconds(ns), 1e-9))) + " records/s";
}
std::string Ms(int64_t ns) { return WithCommas((ns + 500000) / 1000000) + " ms"; }
std::string Mib(uint64_t bytes) { return Fixed(static_cast<double>(bytes) / (1 << 20), 1) + " MiB"; }

uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  for (int i = 0; i < 200 && std::getline(in, line); ++i) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

// "/proc/loadavg" 1, 5 and 15 minute figures: other work on the machine
// shows up in the tail latencies, so the report states it.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return absl::StrCat(Fixed(one, 2), " ", Fixed(five, 2), " ", Fixed(fifteen, 2), " (1/5/15 min)");
}

// Removes the working directory at exit unless it must be kept.
struct DirGuard {
  fs::path dir;
  bool remove = false;
  ~DirGuard() {
    if (!remove || dir.empty()) return;
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

struct QueryRun {
  std::vector<int64_t> samples_ns;           // all timed executions
  std::vector<std::vector<int64_t>> per_query;  // by query index
  double mean_hits = 0;
  double mean_total = 0;
};

// Warm-up pass over every query, then `executions` timed calls cycling
// through them. `run` returns false to abort (after printing why).
template <typename Fn>
bool TimeQueries(size_t query_count, int64_t executions, Fn run, QueryRun* out) {
  int64_t hits = 0, total = 0;
  for (size_t q = 0; q < query_count; ++q) {
    if (!run(q, &hits, &total)) return false;
  }
  out->per_query.assign(query_count, {});
  out->samples_ns.reserve(executions);
  int64_t hit_sum = 0, total_sum = 0;
  for (int64_t i = 0; i < executions; ++i) {
    size_t q = static_cast<size_t>(i) % query_count;
    auto start = Clock::now();
    bool ok = run(q, &hits, &total);
    int64_t ns = NanosSince(start);
    if (!ok) return false;
    out->samples_ns.push_back(ns);
    out->per_query[q].push_back(ns);
    hit_sum += hits;
    total_sum += total;
  }
  out->mean_hits = static_cast<double>(hit_sum) / static_cast<double>(executions);
  out->mean_total = static_cast<double>(total_sum) / static_cast<double>(executions);
  return true;
}

// Runs a short node command (init, --help) to completion, output appended
// to `log`; its exit code, or an error if it does not end within `timeout`.
absl::StatusOr<int> RunToCompletion(const std::vector<std::string>& argv, const std::string& log,
                                    std::chrono::seconds timeout) {
  ChildProcess child;
  if (absl::Status s = child.Spawn(argv, log); !s.ok()) return s;
  const auto deadline = Clock::now() + timeout;
  while (child.Running() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (child.Running()) {
    return absl::DeadlineExceededError(absl::StrCat(argv[0], " ", argv[1], ": still running after ", timeout.count(),
                                                    " s (", child.Stop(std::chrono::seconds(2)), ")"));
  }
  const std::string& how = child.exit_description();
  int code = -1;
  if (how.rfind("exit code ", 0) == 0 && absl::SimpleAtoi(how.substr(10), &code)) return code;
  return absl::InternalError(absl::StrCat(argv[0], " ", argv[1], ": ", how));
}

// Where the node keeps its store. Current nodes need `bibia-node init` and
// keep the store in DIR/db; a node without `init` keeps it in DIR itself.
struct NodeLayout {
  fs::path data_dir;   // --data-dir of the node
  fs::path store_dir;  // where the CatalogStore is loaded
  std::string note;
};

NodeLayout PrepareNodeDirectory(const std::string& node_binary, const fs::path& dir) {
  NodeLayout layout{dir / "node", dir / "node", "no node binary: plain store directory"};
  if (node_binary.empty()) return layout;
  const std::string log = (dir / "node-init.log").string();
  // node id "local" is the one CatalogStore records by default, so the
  // store loaded here is the node's own.
  auto code = RunToCompletion({node_binary, "init", "--data-dir", layout.data_dir.string(), "--id", "local",
                               "--collectivity", "Banc d'essai bibia"},
                              log, std::chrono::seconds(30));
  if (code.ok() && *code == 0) {
    layout.store_dir = layout.data_dir / "db";
    layout.note = "node directory made by 'bibia-node init --id local'; the store is its db/";
  } else {
    layout.note = absl::StrCat("'bibia-node init' failed (",
                               code.ok() ? absl::StrCat("exit code ", *code) : std::string(code.status().message()),
                               "): the store is the node's --data-dir itself");
  }
  return layout;
}

// Starts the node on the loaded store, times the queries through Search RPCs,
// reads its memory and stops it. Returns the RPC latencies if they ran.
std::optional<LatencySummary> RunEndToEnd(const std::string& node_binary, const NodeLayout& layout,
                                          const fs::path& dir, const Flags& flags,
                                          const std::vector<std::string>& queries,
                                          const std::vector<v1::SearchRequest>& requests,
                                          const std::vector<int64_t>& bibia_totals) {
  Line("node binary", node_binary);
  const std::string port_file = (dir / "node.port").string();
  const std::string log_file = (dir / "node.log").string();

  // Options this node knows: without a limit on anonymous callers the timed
  // loop would be throttled (it measures latency, not the rate limiter).
  std::vector<std::string> extra;
  {
    const std::string help_log = (dir / "node-help.log").string();
    auto code = RunToCompletion({node_binary, "--help"}, help_log, std::chrono::seconds(10));
    std::ifstream in(help_log);
    std::string help((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (code.ok() && help.find("--anonymous-rate") != std::string::npos) {
      extra = {"--anonymous-rate", "0"};
      Line("node options", "--anonymous-rate 0 (no rate limit on anonymous callers)");
    }
  }

  ChildProcess node;
  int port = 0;
  int64_t startup_ns = 0;
  std::string start_error;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Catalog::Stub> stub;
  for (bool insecure : {false, true}) {
    std::error_code ec;
    fs::remove(port_file, ec);
    std::vector<std::string> argv = {node_binary,   "--data-dir", layout.data_dir.string(), "--listen",
                                     "127.0.0.1:0", "--port-file", port_file};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (insecure) argv.push_back("--insecure");
    const auto start = Clock::now();
    if (absl::Status s = node.Spawn(argv, log_file); !s.ok()) {
      start_error = std::string(s.message());
      break;
    }
    auto waited = WaitForPortFile(port_file, &node, Clock::now() + kNodeStartDeadline);
    startup_ns = NanosSince(start);
    std::string failure;
    if (waited.ok()) {
      // Listening is not enough: a TLS-only node refuses a plaintext client.
      const std::string target = absl::StrCat("127.0.0.1:", *waited);  // only ever loopback
      channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
      if (channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(3))) {
        port = *waited;
        stub = v1::Catalog::NewStub(channel);
        Line("node flags", absl::StrCat(insecure ? "--insecure needed: " : "", "started as '",
                                        absl::StrJoin(argv.begin() + 1, argv.end(), " "), "'"));
        break;
      }
      channel.reset();
      failure = absl::StrCat("listening on ", target, " but a plaintext client cannot connect within 3 s");
    } else {
      failure = std::string(waited.status().message());
    }
    start_error = absl::StrCat(insecure ? "with --insecure: " : "", failure);
    Line(insecure ? "node start failed" : "node start (no --insecure)",
         absl::StrCat(start_error, "; stopping it: ", node.Stop(kNodeStopGrace)));
    if (insecure) std::printf("  node log (last lines):\n%s", TailOfFile(log_file, 8).c_str());
  }
  if (port == 0) {
    Line("end to end", absl::StrCat("FAILED: the node did not start: ", start_error));
    return std::nullopt;
  }
  Line("node start-up (spawn to port)", Ms(startup_ns));

  std::optional<LatencySummary> rpc;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
    v1::StatsResponse stats;
    grpc::Status s = stub->Stats(&context, v1::StatsRequest(), &stats);
    if (!s.ok()) {
      Line("node Stats", absl::StrCat("error ", s.error_code(), ": ", s.error_message()));
    } else if (stats.projects() != flags.docs) {
      Line("node Stats", absl::StrCat(WithCommas(stats.projects()), " projects: MISMATCH, expected ",
                                      WithCommas(flags.docs), " (the node opened another store?)"));
    } else {
      Line("node Stats", absl::StrCat(WithCommas(stats.projects()), " projects, node_id '", stats.node_id(), "'"));
    }
  }
  std::vector<int64_t> rpc_totals(queries.size(), -1);
  QueryRun rpc_run;
  std::string failure;
  int64_t response_bytes = 0, facet_values = 0, responses = 0;
  bool ok = TimeQueries(
      queries.size(), flags.queries,
      [&](size_t q, int64_t* hits, int64_t* total) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + kRpcDeadline);
        v1::SearchResponse response;
        grpc::Status s = stub->Search(&context, requests[q], &response);
        if (!s.ok()) {
          failure = absl::StrCat("query '", queries[q], "': error ", s.error_code(), ": ", s.error_message());
          return false;
        }
        *hits = response.hits_size();
        *total = response.total_matches();
        rpc_totals[q] = *total;
        response_bytes += static_cast<int64_t>(response.ByteSizeLong());
        for (const v1::Facet& f : response.facets()) facet_values += f.counts_size();
        ++responses;
        return true;
      },
      &rpc_run);
  if (!ok) {
    Line("end to end", absl::StrCat("FAILED: ", failure));
  } else {
    rpc = Summarize(rpc_run.samples_ns);
    Line("bibia gRPC Search", FormatLatency(*rpc));
    Line("gRPC mean hits", absl::StrCat(Fixed(rpc_run.mean_hits, 1), " returned, ", Fixed(rpc_run.mean_total, 0),
                                        " total_matches per query"));
    Line("gRPC mean response", absl::StrCat(WithCommas(response_bytes / std::max<int64_t>(responses, 1)),
                                            " bytes, ", facet_values / std::max<int64_t>(responses, 1),
                                            " facet values"));
    int same = 0;
    for (size_t q = 0; q < queries.size(); ++q) same += rpc_totals[q] == bibia_totals[q];
    Line("same total_matches as in-proc.", absl::StrCat(same, " of ", queries.size(), " queries"));
  }
  const int64_t rss = ProcStatusKib(node.pid(), "VmRSS");
  const int64_t hwm = ProcStatusKib(node.pid(), "VmHWM");
  Line("node memory", absl::StrCat("VmRSS ", rss < 0 ? "?" : Mib(static_cast<uint64_t>(rss) * 1024), "  VmHWM ",
                                   hwm < 0 ? "?" : Mib(static_cast<uint64_t>(hwm) * 1024)));
  stub.reset();  // the client is done: close its connection before stopping the node
  channel.reset();
  Line("node stop (SIGTERM)", node.Stop(kNodeStopGrace));
  return rpc;
}

int Run(const Flags& flags) {
  const std::vector<std::string>& queries = QuerySet();
  std::printf("bibia search benchmark\n");
  Line("machine", absl::StrCat(CpuModel(), ", ", sysconf(_SC_NPROCESSORS_ONLN), " cores online"));
  Line("build", absl::StrCat(BIBIA_BENCH_BUILD_TYPE, ", RocksDB ", ROCKSDB_MAJOR, ".", ROCKSDB_MINOR, ".",
                             ROCKSDB_PATCH, ", SQLite ", sqlite3_libversion(), ", gRPC ", grpc::Version()));
  Line("parameters", absl::StrCat("--docs ", flags.docs, "  --queries ", flags.queries, "  --seed ", flags.seed,
                                  "  (", queries.size(), " distinct queries)"));

  // Working directory.
  DirGuard guard;
  fs::path dir;
  if (flags.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/bibia-search-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::fprintf(stderr, "bibia_search_bench: cannot create a directory from %s\n", tmpl.c_str());
      return 1;
    }
    dir = tmpl;
    guard.dir = dir;
    guard.remove = !flags.keep;
  } else {
    dir = flags.dir;
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
      std::fprintf(stderr, "bibia_search_bench: --dir %s is not empty (a fresh directory is needed)\n",
                   dir.c_str());
      return 1;
    }
    fs::create_directories(dir, ec);
    if (ec) {
      std::fprintf(stderr, "bibia_search_bench: --dir %s: %s\n", dir.c_str(), ec.message().c_str());
      return 1;
    }
  }
  const std::string node_binary = flags.node_binary.empty() ? DefaultNodeBinary() : flags.node_binary;
  std::error_code exists_ec;
  const bool node_exists = fs::exists(node_binary, exists_ec);
  // The store is loaded where the node will look for it.
  const NodeLayout layout = PrepareNodeDirectory(node_exists ? node_binary : "", dir);
  const fs::path store_dir = layout.store_dir;
  Line("load average at start", LoadAverage());
  Line("directory", absl::StrCat(dir.string(), guard.remove ? " (removed at the end)" : " (kept)"));

  // 1. Corpus.
  Section("1. synthetic corpus");
  CorpusGenerator generator(flags.seed);
  std::vector<v1::Project> projects;
  projects.reserve(flags.docs);
  auto start = Clock::now();
  for (int64_t i = 1; i <= flags.docs; ++i) projects.push_back(generator.Make(static_cast<int>(i)));
  const int64_t generate_ns = NanosSince(start);
  {
    uint64_t title_words = 0, summary_words = 0, summary_bytes = 0, tags = 0, techniques = 0;
    const auto words = [](const std::string& s) {
      uint64_t n = 0;
      bool in = false;
      for (char c : s) {
        if (c != ' ' && !in) ++n;
        in = c != ' ';
      }
      return n;
    };
    for (const v1::Project& p : projects) {
      title_words += words(p.public_().title_fr());
      summary_words += words(p.public_().summary_fr());
      summary_bytes += p.public_().summary_fr().size();
      tags += p.public_().tags_size();
      techniques += p.public_().techniques_size();
    }
    const double n = static_cast<double>(projects.size());
    Line("projects", absl::StrCat(WithCommas(flags.docs), " generated in ", Ms(generate_ns)));
    Line("per project (mean)", absl::StrCat(Fixed(title_words / n, 1), " title words, ", Fixed(summary_words / n, 1),
                                            " summary words (", Fixed(summary_bytes / n, 0), " bytes), ",
                                            Fixed(tags / n, 1), " tags, ", Fixed(techniques / n, 1), " techniques"));
    Line("vocabulary", absl::StrCat(WithCommas(generator.vocabulary_forms()), " word forms, ",
                                    generator.collectivity_count(), " collectivities, ",
                                    generator.technique_count(), " techniques, 13 domains, 5 statuses, 13 regions"));
    Line("example title", projects.front().public_().title_fr());
  }

  // 2. Load into the CatalogStore.
  Section("2. load into bibia::catalog::CatalogStore (in-process)");
  catalog::Store::Options store_options;  // all defaults: durable writes, default cache and node id
  auto opened = catalog::Store::Open(store_dir.string(), store_options);
  if (!opened.ok()) {
    std::fprintf(stderr, "bibia_search_bench: open store: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  std::unique_ptr<catalog::Store> store = std::move(*opened);
  Line("store directory", absl::StrCat(store_dir.string(), "  (", layout.note, ")"));
  Line("store options", absl::StrCat("defaults: node_id '", store->node_id(), "', sync_writes ",
                                     store_options.db.sync_writes ? "true (fsync per batch)" : "false",
                                     ", block cache ", store_options.db.block_cache_bytes >> 20, " MiB"));
  int64_t import_ns = 0, created = 0;
  std::vector<v1::Project> batch;
  for (size_t first = 0; first < projects.size(); first += kBatchSize) {
    size_t last = std::min(projects.size(), first + kBatchSize);
    batch.assign(projects.begin() + first, projects.begin() + last);
    start = Clock::now();
    auto imported = store->Import(batch, {});
    import_ns += NanosSince(start);
    if (!imported.ok()) {
      std::fprintf(stderr, "bibia_search_bench: import: %s\n", std::string(imported.status().message()).c_str());
      return 1;
    }
    created += imported->created();
  }
  Line("load (Import, batches of 1000)", absl::StrCat(Rate(created, import_ns), "  (", WithCommas(created),
                                                     " created in ", Ms(import_ns), ")"));
  start = Clock::now();
  rocksdb::Status compacted = store->db()->raw()->CompactRange(
      rocksdb::CompactRangeOptions(), store->db()->family(catalog::Family::kIndex), nullptr, nullptr);
  const int64_t compact_ns = NanosSince(start);
  if (!compacted.ok()) {
    std::fprintf(stderr, "bibia_search_bench: compact: %s\n", compacted.ToString().c_str());
    return 1;
  }
  Line("compaction of the index family", Ms(compact_ns));
  Line("store on disk", Mib(DirectoryBytes(store_dir)));

  // 3. Queries in-process.
  Section("3. bibia in-process search (CatalogStore::Search, page_size 20)");
  std::vector<v1::SearchRequest> requests;
  for (const std::string& q : queries) {
    v1::SearchRequest r;
    r.set_query(q);
    r.set_page_size(kPageSize);
    requests.push_back(std::move(r));
  }
  std::vector<int64_t> bibia_totals(queries.size(), -1);
  QueryRun bibia_run;
  std::string failure;
  bool ok = TimeQueries(
      queries.size(), flags.queries,
      [&](size_t q, int64_t* hits, int64_t* total) {
        auto response = store->Search(requests[q]);
        if (!response.ok()) {
          failure = absl::StrCat("query '", queries[q], "': ", response.status().ToString());
          return false;
        }
        *hits = response->hits_size();
        *total = response->total_matches();
        bibia_totals[q] = *total;
        return true;
      },
      &bibia_run);
  if (!ok) {
    std::fprintf(stderr, "bibia_search_bench: bibia search: %s\n", failure.c_str());
    return 1;
  }
  const LatencySummary bibia = Summarize(bibia_run.samples_ns);
  Line("bibia in-process", FormatLatency(bibia));
  Line("bibia mean hits", absl::StrCat(Fixed(bibia_run.mean_hits, 1), " returned, ", Fixed(bibia_run.mean_total, 0),
                                       " total_matches per query"));

  // The index alone (ranking and facets, no record reads), on a second
  // in-memory index over the same database.
  LatencySummary index_only;
  {
    start = Clock::now();
    auto index = catalog::SearchIndex::Load(store->db());
    const int64_t load_ns = NanosSince(start);
    if (!index.ok()) {
      std::fprintf(stderr, "bibia_search_bench: load index: %s\n", std::string(index.status().message()).c_str());
      return 1;
    }
    Line("SearchIndex::Load (doc rows)", Ms(load_ns));
    QueryRun run;
    ok = TimeQueries(
        queries.size(), flags.queries,
        [&](size_t q, int64_t* hits, int64_t* total) {
          auto response = (*index)->Search(requests[q]);
          if (!response.ok()) {
            failure = absl::StrCat("query '", queries[q], "': ", response.status().ToString());
            return false;
          }
          *hits = response->hits_size();
          *total = response->total_matches();
          return true;
        },
        &run);
    if (!ok) {
      std::fprintf(stderr, "bibia_search_bench: index search: %s\n", failure.c_str());
      return 1;
    }
    index_only = Summarize(run.samples_ns);
    Line("bibia index only (no records)", FormatLatency(index_only));
  }

  // 4. SQLite FTS5.
  Section("4. SQLite FTS5 in-process (bm25(docs, 3, 1, 2, 2), LIMIT 20, prepared statements)");
  Line("fts5 tokenizer", Fts5Index::Tokenizer());
  const fs::path fts_path = dir / "fts5.sqlite";
  auto fts_open = Fts5Index::Open(fts_path.string(), kFts5CacheMib);
  if (!fts_open.ok()) {
    std::fprintf(stderr, "bibia_search_bench: %s\n", std::string(fts_open.status().message()).c_str());
    return 1;
  }
  std::unique_ptr<Fts5Index> fts = std::move(*fts_open);
  Line("sqlite settings", absl::StrCat("file database, page cache ", kFts5CacheMib,
                                       " MiB, default journal and synchronous, one transaction"));
  start = Clock::now();
  if (absl::Status s = fts->Load(projects); !s.ok()) {
    std::fprintf(stderr, "bibia_search_bench: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  const int64_t fts_load_ns = NanosSince(start);
  Line("load (one transaction)", absl::StrCat(Rate(flags.docs, fts_load_ns), "  (", Ms(fts_load_ns), ")"));
  start = Clock::now();
  if (absl::Status s = fts->Optimize(); !s.ok()) {
    std::fprintf(stderr, "bibia_search_bench: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  Line("optimize (merge segments)", Ms(NanosSince(start)));
  Line("database on disk", Mib(DirectoryBytes(dir) - DirectoryBytes(store_dir)));
  if (auto terms = fts->DistinctTerms(); terms.ok()) Line("distinct indexed terms", WithCommas(*terms));
  if (absl::Status s = fts->Prepare(queries); !s.ok()) {
    std::fprintf(stderr, "bibia_search_bench: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::vector<int64_t> fts_counts(queries.size(), -1);
  for (size_t q = 0; q < queries.size(); ++q) {
    auto count = fts->Count(q);
    if (!count.ok()) {
      std::fprintf(stderr, "bibia_search_bench: count '%s': %s\n", queries[q].c_str(),
                   std::string(count.status().message()).c_str());
      return 1;
    }
    fts_counts[q] = *count;
  }
  QueryRun fts_run;
  ok = TimeQueries(
      queries.size(), flags.queries,
      [&](size_t q, int64_t* hits, int64_t* total) {
        auto rows = fts->Run(q);
        if (!rows.ok()) {
          failure = absl::StrCat("query '", queries[q], "': ", rows.status().message());
          return false;
        }
        *hits = *rows;
        *total = fts_counts[q];
        return true;
      },
      &fts_run);
  if (!ok) {
    std::fprintf(stderr, "bibia_search_bench: fts5: %s\n", failure.c_str());
    return 1;
  }
  const LatencySummary fts5 = Summarize(fts_run.samples_ns);
  Line("FTS5 in-process", FormatLatency(fts5));
  Line("FTS5 mean hits", absl::StrCat(Fixed(fts_run.mean_hits, 1), " returned, ", Fixed(fts_run.mean_total, 0),
                                      " matching per query"));
  fts.reset();

  Section("bibia vs FTS5, per query (matches: bibia total_matches / FTS5 count(*); median latency)");
  int same = 0;
  std::printf("  %s %9s %9s %10s %10s\n", Pad("query", 38).c_str(), "bibia", "FTS5", "bibia p50", "FTS5 p50");
  for (size_t q = 0; q < queries.size(); ++q) {
    same += bibia_totals[q] == fts_counts[q];
    std::printf("  %s %9s %9s %10s %10s%s\n", Pad("\"" + queries[q] + "\"", 38).c_str(),
                WithCommas(bibia_totals[q]).c_str(), WithCommas(fts_counts[q]).c_str(),
                Micros(Summarize(bibia_run.per_query[q]).p50_ns).c_str(),
                Micros(Summarize(fts_run.per_query[q]).p50_ns).c_str(),
                bibia_totals[q] == fts_counts[q] ? "" : "  (differs)");
  }
  Line("same match count", absl::StrCat(same, " of ", queries.size(), " queries"));
  const double p50_ratio = static_cast<double>(bibia.p50_ns) / std::max<int64_t>(fts5.p50_ns, 1);
  const double p99_ratio = static_cast<double>(bibia.p99_ns) / std::max<int64_t>(fts5.p99_ns, 1);
  Line("bibia p50 / FTS5 p50", Fixed(p50_ratio, 2));
  Line("bibia p99 / FTS5 p99", Fixed(p99_ratio, 2));

  // 5. End to end through bibia-node.
  Section("5. end to end: bibia-node over gRPC (loopback, insecure channel)");
  store.reset();  // releases the RocksDB lock for the node
  std::optional<LatencySummary> rpc;
  if (!node_exists) {
    Line("end to end", absl::StrCat("SKIPPED: no node binary at ", node_binary,
                                    " (build target bibia-node or pass --node-binary)"));
  } else {
    rpc = RunEndToEnd(node_binary, layout, dir, flags, queries, requests, bibia_totals);
  }

  // Targets.
  Section("targets");
  Line("load average at end", LoadAverage());
  const bool p50_met = bibia.p50_ns <= fts5.p50_ns;
  const bool p99_met = bibia.p99_ns < static_cast<int64_t>(kP99TargetUs * 1000);
  Line("in-process p50 <= FTS5 p50", absl::StrCat(p50_met ? "MET" : "NOT MET", " (", Micros(bibia.p50_ns), " vs ",
                                                   Micros(fts5.p50_ns), ")"));
  Line("in-process p99 < 5 ms", absl::StrCat(p99_met ? "MET" : "NOT MET", " (", Micros(bibia.p99_ns), ")"));
  if (rpc) Line("gRPC p99 (for information)", Micros(rpc->p99_ns));
  std::printf("\nTargets %s: in-process p50 %s FTS5 p50 (%s vs %s), in-process p99 %s 5 ms (%s).\n",
              p50_met && p99_met ? "MET" : "NOT MET", p50_met ? "<=" : ">", Micros(bibia.p50_ns).c_str(),
              Micros(fts5.p50_ns).c_str(), p99_met ? "<" : ">=", Micros(bibia.p99_ns).c_str());
  return 0;
}

}  // namespace
}  // namespace bibia::bench

int main(int argc, char** argv) {
  bibia::bench::Flags flags;
  if (std::optional<int> exit_code = bibia::bench::ParseFlags(argc, argv, &flags)) return *exit_code;
  return bibia::bench::Run(flags);
}
