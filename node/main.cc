// bibia-node: the daemon each collectivity runs. See `bibia-node --help`.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "absl/strings/str_cat.h"
#include "node/flags.h"
#include "node/log.h"
#include "node/server.h"

namespace {

constexpr char kUsage[] = R"(bibia-node: a node of the bibia federated catalogue of territorial AI projects.

Usage:
  bibia-node --data-dir DIR [--listen HOST:PORT] [options]

Options:
  --data-dir DIR       where the node keeps its RocksDB store (created if missing)
  --listen HOST:PORT   gRPC address (default 127.0.0.1:7700; port 0 picks a free port)
  --node-id ID         this node's id, recorded on first start (default "local")
  --port-file FILE     write the address actually listened on to FILE once serving
  --open-access        every caller may read every tier and write (development only:
                       there is no authentication yet, see README "Access")
  --log-level LEVEL    debug, info (default), warning or error
  -h, --help           this help

The node stops gracefully on SIGTERM or SIGINT: it finishes running calls (up to 5 s)
and closes its store.

Example:
  bibia-node --data-dir /var/lib/bibia --listen 127.0.0.1:7700
)";

int Fail(const std::string& message) {
  std::fprintf(stderr, "bibia-node: %s\nRun 'bibia-node --help' for usage.\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using bibia::node::LogLevel;
  auto flags = bibia::node::ParseFlags(argc, argv, 1, {"data-dir", "listen", "node-id", "port-file", "log-level"},
                                       {"open-access"});
  if (!flags.ok()) return Fail(std::string(flags.status().message()));
  if (flags->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!flags->positional.empty()) return Fail(absl::StrCat("unexpected argument '", flags->positional[0], "'"));
  if (!flags->has("data-dir")) return Fail("--data-dir: required");
  const std::string level = flags->get("log-level", "info");
  if (level == "debug") bibia::node::SetLogLevel(LogLevel::kDebug);
  else if (level == "warning") bibia::node::SetLogLevel(LogLevel::kWarning);
  else if (level == "error") bibia::node::SetLogLevel(LogLevel::kError);
  else if (level != "info") return Fail(absl::StrCat("--log-level: unknown level '", level, "'"));

  bibia::node::Server::Options options;
  options.data_dir = flags->get("data-dir");
  options.listen = flags->get("listen", bibia::node::kDefaultListenAddress);
  options.node_id = flags->get("node-id");
  options.port_file = flags->get("port-file");
  if (flags->has("open-access")) {
    options.access.anonymous_tier = bibia::v1::TIER_EXPERT;
    options.access.anonymous_role = bibia::access::Role::kEditor;
  }

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = bibia::node::Server::Start(options);
  if (!server.ok()) {
    bibia::node::Log(LogLevel::kError, "cannot start", {{"error", std::string(server.status().message())}});
    return 1;
  }
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    bibia::node::Log(LogLevel::kInfo, "stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    (*server)->Shutdown(absl::Seconds(5));
  });
  (*server)->Wait();
  stopper.join();
  server->reset();  // closes the store before the final line
  bibia::node::Log(LogLevel::kInfo, "stopped");
  return 0;
}
