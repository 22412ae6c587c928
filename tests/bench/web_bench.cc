// bibia_web_bench: the HTTP API against gRPC on the same node and the same
// queries, in one run. Loads N synthetic projects (corpus.h) into a node's
// store, starts bibia-node with --http (plaintext on both, --insecure, and no
// anonymous rate limit), then alternates R rounds of `wrk` (Debian) on
// /api/v1/projects?q=... and of the same queries as Search RPCs from C client
// threads (one channel each), S seconds per transport in all.
// Prints requests/s and p50/p99 latency of each, their ratio, and the bytes
// of the page's first view. Figures only; nothing is asserted.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "catalog/store.h"
#include "grpcpp/grpcpp.h"
#include "tests/bench/corpus.h"
#include "tests/bench/latency.h"
#include "tests/bench/node_process.h"

namespace fs = std::filesystem;
using namespace bibia;
using namespace bibia::bench;

namespace {

struct Flags {
  int docs = 100000;
  int seconds = 20;
  int connections = 8;
  int rounds = 4;
  std::string node_binary;
  bool keep = false;
};

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += absl::StrCat("%", absl::Hex(c, absl::kZeroPad2));
  }
  return out;
}

std::string RunCapture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// "1.23ms" / "850.00us" / "2.10s" -> nanoseconds.
int64_t WrkDuration(const std::string& text) {
  double v = 0;
  std::smatch m;
  if (!std::regex_match(text, m, std::regex(R"(([0-9.]+)(us|ms|s))"))) return -1;
  if (!absl::SimpleAtod(m[1].str(), &v)) return -1;
  const std::string unit = m[2].str();
  return static_cast<int64_t>(v * (unit == "us" ? 1e3 : unit == "ms" ? 1e6 : 1e9));
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--docs") flags.docs = std::atoi(value().c_str());
    else if (arg == "--seconds") flags.seconds = std::atoi(value().c_str());
    else if (arg == "--connections") flags.connections = std::atoi(value().c_str());
    else if (arg == "--rounds") flags.rounds = std::atoi(value().c_str());
    else if (arg == "--node-binary") flags.node_binary = value();
    else if (arg == "--keep") flags.keep = true;
    else {
      std::printf("Usage: bibia_web_bench --node-binary FILE [--docs N (100000)] [--seconds S (20)]\n"
                  "                       [--connections C (8)] [--rounds R (4)] [--keep]\n"
                  "S seconds per transport in all, in R alternating rounds.\n");
      return arg == "--help" ? 0 : 2;
    }
  }
  if (flags.node_binary.empty() || flags.docs < 1 || flags.seconds < 1 || flags.connections < 1) {
    std::fprintf(stderr, "bibia_web_bench: --node-binary is required; counts must be positive\n");
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("bibia-web-bench-", getpid());
  fs::create_directories(dir);
  const std::string data_dir = (dir / "node").string();
  std::printf("bibia_web_bench: %d projects, %d s per transport, %d connections, dir %s\n", flags.docs,
              flags.seconds, flags.connections, dir.c_str());

  if (std::system(absl::StrCat(flags.node_binary, " init --data-dir ", data_dir,
                               " --id local --collectivity Bench >/dev/null").c_str()) != 0) {
    std::fprintf(stderr, "bibia-node init failed\n");
    return 1;
  }
  {
    auto store = catalog::Store::Open(data_dir + "/db", catalog::Store::Options());
    if (!store.ok()) {
      std::fprintf(stderr, "open store: %s\n", std::string(store.status().message()).c_str());
      return 1;
    }
    CorpusGenerator generator(42);
    const auto start = Clock::now();
    std::vector<v1::Project> batch;
    for (int i = 1; i <= flags.docs; ++i) {
      batch.push_back(generator.Make(i));
      if (batch.size() == 1000 || i == flags.docs) {
        auto imported = (*store)->Import(batch, {});
        if (!imported.ok()) {
          std::fprintf(stderr, "import: %s\n", std::string(imported.status().message()).c_str());
          return 1;
        }
        batch.clear();
      }
    }
    std::printf("loaded %d projects in %.1f s\n", flags.docs, NanosSince(start) / 1e9);
  }

  ChildProcess node;
  const std::string port_file = (dir / "grpc.port").string();
  const std::string http_file = (dir / "http.port").string();
  if (absl::Status s = node.Spawn({flags.node_binary, "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--port-file",
                                   port_file, "--http", "127.0.0.1:0", "--http-port-file", http_file, "--insecure",
                                   "--anonymous-rate", "0", "--log-level", "warning"},
                                  (dir / "node.log").string());
      !s.ok()) {
    std::fprintf(stderr, "spawn: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  auto grpc_port = WaitForPortFile(port_file, &node, Clock::now() + std::chrono::seconds(120));
  auto http_port = WaitForPortFile(http_file, &node, Clock::now() + std::chrono::seconds(5));
  if (!grpc_port.ok() || !http_port.ok()) {
    std::fprintf(stderr, "node did not start (see %s/node.log)\n", dir.c_str());
    return 1;
  }
  const std::vector<std::string>& queries = QuerySet();

  // The queries in turn, as wrk's Lua script.
  {
    std::ofstream lua(dir / "queries.lua");
    lua << "local paths = {\n";
    for (const std::string& q : queries) lua << "  \"/api/v1/projects?q=" << UrlEncode(q) << "\",\n";
    lua << "}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n"
           "  return wrk.format(\"GET\", paths[i])\nend\n";
  }
  struct Round {
    double rps = 0;
    int64_t p50 = -1, p99 = -1;
    bool failures = false;
  };
  // HTTP through wrk for `seconds`.
  const auto run_http = [&](int seconds) {
    const std::string wrk = RunCapture(absl::StrCat("wrk -t2 -c", flags.connections, " -d", seconds,
                                                    "s --latency -s ", (dir / "queries.lua").string(),
                                                    " http://127.0.0.1:", *http_port, "/ 2>&1"));
    Round r;
    std::smatch m;
    if (std::regex_search(wrk, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) (void)absl::SimpleAtod(m[1].str(), &r.rps);
    if (std::regex_search(wrk, m, std::regex(R"(\n\s+50%\s+(\S+))"))) r.p50 = WrkDuration(m[1].str());
    if (std::regex_search(wrk, m, std::regex(R"(\n\s+99%\s+(\S+))"))) r.p99 = WrkDuration(m[1].str());
    r.failures = wrk.find("Non-2xx") != std::string::npos || wrk.find("Socket errors") != std::string::npos;
    return r;
  };
  // gRPC: the same queries from C threads with a channel each, for `seconds`.
  const auto run_grpc = [&](int seconds) {
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<int64_t> samples;
    std::atomic<int64_t> errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < flags.connections; ++t) {
      threads.emplace_back([&, t] {
        grpc::ChannelArguments args;
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", *grpc_port),
                                                 grpc::InsecureChannelCredentials(), args);
        auto stub = v1::Catalog::NewStub(channel);
        std::vector<int64_t> mine;
        for (size_t i = t; !stop.load(); ++i) {
          v1::SearchRequest request;
          request.set_query(queries[i % queries.size()]);
          v1::SearchResponse response;
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          const auto start = Clock::now();
          grpc::Status s = stub->Search(&context, request, &response);
          mine.push_back(NanosSince(start));
          if (!s.ok()) ++errors;
        }
        std::lock_guard<std::mutex> lock(mu);
        samples.insert(samples.end(), mine.begin(), mine.end());
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    const LatencySummary latency = Summarize(samples);
    Round r;
    r.rps = static_cast<double>(samples.size()) / seconds;
    r.p50 = latency.p50_ns;
    r.p99 = latency.p99_ns;
    r.failures = errors.load() > 0;
    return r;
  };
  // Alternating rounds, so that the machine's drift (it is shared) weighs on
  // both transports alike; the ratios are taken round by round.
  const int rounds = std::max(1, flags.rounds);
  const int per_round = std::max(1, flags.seconds / rounds);
  std::printf("\n%-6s %-10s %12s %12s %12s\n", "round", "transport", "requests/s", "p50", "p99");
  std::vector<double> p50_ratios, p99_ratios;
  double http_rps = 0, grpc_rps = 0;
  for (int round = 1; round <= rounds; ++round) {
    const Round http = run_http(per_round);
    const Round rpc = run_grpc(per_round);
    std::printf("%-6d %-10s %12.0f %12s %12s%s\n", round, "HTTP/wrk", http.rps, Micros(http.p50).c_str(),
                Micros(http.p99).c_str(), http.failures ? "  (errors!)" : "");
    std::printf("%-6d %-10s %12.0f %12s %12s%s\n", round, "gRPC", rpc.rps, Micros(rpc.p50).c_str(),
                Micros(rpc.p99).c_str(), rpc.failures ? "  (errors!)" : "");
    if (http.p50 > 0 && rpc.p50 > 0) p50_ratios.push_back(static_cast<double>(http.p50) / rpc.p50);
    if (http.p99 > 0 && rpc.p99 > 0) p99_ratios.push_back(static_cast<double>(http.p99) / rpc.p99);
    http_rps += http.rps / rounds;
    grpc_rps += rpc.rps / rounds;
  }
  const auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  std::printf("mean requests/s: HTTP %.0f, gRPC %.0f\n", http_rps, grpc_rps);
  std::printf("HTTP/gRPC latency, median over rounds: p50 x%.2f, p99 x%.2f (target: within x1.5)\n",
              median(p50_ratios), median(p99_ratios));

  // First view of the page: the documents it loads before the first results
  // (HTML, CSS, scripts, stats and the first list page).
  int64_t page_bytes = 0;
  for (const char* path : {"/", "/assets/app.css", "/assets/i18n.js", "/assets/charts.js", "/assets/app.js",
                           "/api/v1/stats", "/api/v1/projects?limit=20"}) {
    const std::string body = RunCapture(absl::StrCat("curl -s 'http://127.0.0.1:", *http_port, path, "'"));
    page_bytes += static_cast<int64_t>(body.size());
  }

  std::printf("page first view (HTML, CSS, JS, stats, first 20 projects): %s bytes (target < 300 KB)\n",
              WithCommas(page_bytes).c_str());
  node.Stop(std::chrono::seconds(10));
  if (!flags.keep) fs::remove_all(dir);
  return 0;
}
