#include "node/node_commands.h"

#include <pthread.h>
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "access/access_control.h"
#include "access/endpoint.h"
#include "access/node_files.h"
#include "access/token.h"
#include "catalog/clock.h"
#include "catalog/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "node/flags.h"
#include "node/log.h"
#include "node/server.h"

namespace bibia::node {
namespace {

constexpr char kUsage[] = R"(bibia-node: a node of the bibia federated catalogue of territorial AI projects.

Usage:
  bibia-node init --data-dir DIR --id ID --collectivity NAME [--endpoint HOST:PORT] [--operator-key FILE]
  bibia-node --data-dir DIR [--listen HOST:PORT] [options]      serve
  bibia-node identity --data-dir DIR                             print what the roster needs
  bibia-node token issue --data-dir DIR --subject NAME --tier TIER --role ROLE [--ttl 24h]

init creates DIR with the node's Ed25519 key (node.key, mode 0600), a TLS key and
self-signed certificate (tls.key 0600, tls.crt), and its settings (node.conf);
--operator-key installs the federation operator's public key (operator.pub).

Serving options:
  --data-dir DIR             an initialised data directory (the store is DIR/db)
  --listen HOST:PORT         gRPC address (default 127.0.0.1:7700; port 0 picks one)
  --port-file FILE           write the address listened on to FILE once serving
  --insecure                 plaintext gRPC and HTTP instead of TLS (local development only)
  --http HOST:PORT           serve the web page, the JSON API and the open-data exports over
                             HTTPS (node certificate) on this address (default 127.0.0.1:7780,
                             skipped with a warning if taken; port 0 picks one; docs/web.md)
  --no-http                  no HTTP listener
  --http-port-file FILE      write the HTTP address listened on to FILE once serving
  --public-url URL           where users reach the page (e.g. https://bibia.example.fr), for
                             the exports' links (default: the --http address)
  --anonymous-rate N         anonymous requests per second per address (default 50; 0: no limit)
  --anonymous-burst N        burst allowed above the rate (default 100)
  --audit-retention-days N   audit events kept this long (default 365)
  --max-audit-mib N          cap on the audit log's size; the oldest events go first (default 256)
  --disk-reserve-mib N       free space kept on the store's disk; writes that would use it are
                             refused with RESOURCE_EXHAUSTED (default 512; 0: none)
  --gossip-interval D        sync with a few random peers this often (default 2s)
  --fanout N                 peers per gossip round (default 3)
  --no-gossip                sync only when asked (bibia sync), no timer, no hints
  --max-import-mib N         memory one import, and all imports in flight together, may hold
                             until written (default 512)
  --sync-buffer-mib N        most of a peer's entries held while they wait for the signature
                             that ends their write batch (default 1024)
  --max-artifact-gib N       quota on the artifact chunks stored (GiB, decimals allowed); a push past it gets
                             RESOURCE_EXHAUSTED, nothing committed (default 0: none)
  --chunk-grace D            keep chunks no manifest references (uploads not committed yet)
                             this long before collecting them (default 24h)
  --chunk-collect-interval D check this often whether chunks may be collected: a manifest
                             deleted here or by replication, or an upload past its grace; the
                             collected chunks are erased from the store's files (default 1m;
                             0: only at start and after deletions here)
  --log-level LEVEL          debug, info (default), warning or error
  -h, --help                 this help ('bibia-node init --help' etc. for a command)
  --version                  print the version

Transport limits (what clients may cost; see docs/security.md):
  --max-threads N            threads running calls, a Subscribe stream holding one (default 256);
                             calls past them get RESOURCE_EXHAUSTED
  --max-streams-per-connection N   calls open at once on one connection (default 100)
  --max-connections N        connections held at once (default 4096, lowered to the
                             open-files limit minus 256 and the accept queue)
  --max-connections-per-address N  per client IPv4 address or IPv6 /64 (default 256)
  --max-calls-per-address N  calls handled at once per client address, any caller
                             (default 128; 0: no cap); past it RESOURCE_EXHAUSTED
  --idle-timeout D           close a connection with no call open this long (default 5m)
  --handshake-timeout D      close a connection not through its TLS handshake by then (default 10s)
  --transport-memory-mib N   memory for gRPC's transport buffers (default 256)
  --max-heap-mib N           heap in use past which every client connection is closed, their
                             queued calls dropped (default 1536; 0: no cap)
  --watchdog-interval D      check this often that the node still accepts connections
                             (default 10s; 0 turns the watchdog off)
  --watchdog-failures N      failed checks in a row before the node exits with code 3,
                             for its supervisor to restart it (default 3)

token issue prints a bearer token signed by the node's key, alone on stdout:
  --tier public|restricted|expert   --role reader|editor|admin   --ttl 30m|24h|7d (default 24h)

The node stops gracefully on SIGTERM or SIGINT: running calls finish (up to 5 s).

Example:
  bibia-node init --data-dir /var/lib/bibia --id nantes --collectivity "Nantes Métropole"
  bibia-node --data-dir /var/lib/bibia --listen 127.0.0.1:7700
  export BIBIA_TOKEN=$(bibia-node token issue --data-dir /var/lib/bibia --subject me --tier expert --role admin)
)";

constexpr char kInitUsage[] = R"(Usage: bibia-node init --data-dir DIR --id ID --collectivity NAME
                       [--endpoint HOST:PORT] [--operator-key FILE]

Creates DIR with the node's Ed25519 key (node.key, mode 0600), a TLS key and
self-signed certificate (tls.key 0600, tls.crt), and its settings (node.conf).
Never overwrites a directory that already holds a node identity.

  --data-dir DIR          the directory to create (the store will be DIR/db)
  --id ID                 the node's id, [a-z0-9-]{1,80}, e.g. nantes
  --collectivity NAME     the authority running it, e.g. "Nantes Métropole"
  --endpoint HOST:PORT    where peers reach it (goes into its identity)
  --operator-key FILE     the federation operator's public key (operator.pub)

Example:
  bibia-node init --data-dir /var/lib/bibia --id nantes --collectivity "Nantes Métropole"
)";

constexpr char kIdentityUsage[] = R"(Usage: bibia-node identity --data-dir DIR

Prints, as JSON, what the federation operator needs to add this node to the
roster (bibia roster add-node --identity FILE): id, collectivity, public key,
TLS certificate and fingerprint, endpoint. Nothing secret.
)";

constexpr char kTokenUsage[] = R"(Usage: bibia-node token issue --data-dir DIR --subject NAME --tier TIER --role ROLE
                             [--ttl DURATION]

Prints a bearer token signed by the node's key, alone on stdout. Works
offline, from the data directory: the way to get a node's first admin token.

  --subject NAME    who the token is for (shown in the audit log)
  --tier TIER       public, restricted or expert
  --role ROLE       reader, editor or admin
  --ttl DURATION    lifetime, e.g. 30m, 24h (default) or 7d

Example:
  export BIBIA_TOKEN=$(bibia-node token issue --data-dir /var/lib/bibia --subject me --tier expert --role admin)
)";

// `command` ("init", "token issue"; empty for serving) names the --help to read.
int UsageError(const std::string& message, const std::string& command = "") {
  const std::string help = command.empty() ? "bibia-node --help" : absl::StrCat("bibia-node ", command, " --help");
  std::fprintf(stderr, "bibia-node: %s\nRun '%s' for usage.\n", message.c_str(), help.c_str());
  return 2;
}

// A usage error for the first argument `flags` has that `command` takes none of.
std::optional<int> UnexpectedArgument(const ParsedFlags& flags, const std::string& command) {
  if (flags.positional.empty()) return std::nullopt;
  return UsageError(absl::StrCat(command, ": unexpected argument '", flags.positional[0], "'"), command);
}

int Failure(const absl::Status& status) {
  std::fprintf(stderr, "bibia-node: error: %s\n", std::string(status.message()).c_str());
  return 1;
}

// "90s", "30m", "24h", "7d" -> seconds; 0 on a malformed value.
int64_t ParseDuration(const std::string& text) {
  if (text.size() < 2) return 0;
  int64_t n = 0;
  if (!absl::SimpleAtoi(text.substr(0, text.size() - 1), &n) || n <= 0) return 0;
  switch (text.back()) {
    case 's': return n;
    case 'm': return n * 60;
    case 'h': return n * 3600;
    case 'd': return n * 86400;
    default: return 0;
  }
}

int RunInit(int argc, char** argv) {
  auto flags = ParseFlags(argc, argv, 2, {"data-dir", "id", "collectivity", "endpoint", "operator-key"}, {});
  if (!flags.ok()) return UsageError(std::string(flags.status().message()), "init");
  if (flags->help) return std::fputs(kInitUsage, stdout), 0;
  if (auto extra = UnexpectedArgument(*flags, "init")) return *extra;
  for (const char* required : {"data-dir", "id", "collectivity"}) {
    if (!flags->has(required)) return UsageError(absl::StrCat("init: --", required, " is required"), "init");
  }
  access::InitOptions options;
  options.node_id = flags->get("id");
  options.collectivity = flags->get("collectivity");
  options.endpoint = flags->get("endpoint");
  options.operator_public_key_file = flags->get("operator-key");
  // A malformed flag value is a usage error (exit 2), like a missing flag.
  if (auto s = access::CheckInitOptions(options); !s.ok()) return UsageError(std::string(s.message()), "init");
  if (auto s = access::InitNodeDirectory(flags->get("data-dir"), options); !s.ok()) return Failure(s);
  std::printf("initialised node '%s' in %s\n", options.node_id.c_str(), flags->get("data-dir").c_str());
  return 0;
}

int RunIdentity(int argc, char** argv) {
  auto flags = ParseFlags(argc, argv, 2, {"data-dir"}, {});
  if (!flags.ok()) return UsageError(std::string(flags.status().message()), "identity");
  if (flags->help) return std::fputs(kIdentityUsage, stdout), 0;
  if (auto extra = UnexpectedArgument(*flags, "identity")) return *extra;
  if (!flags->has("data-dir")) return UsageError("identity: --data-dir is required", "identity");
  auto files = access::LoadNodeFiles(flags->get("data-dir"));
  if (!files.ok()) return Failure(files.status());
  auto identity = access::DescribeIdentity(*files);
  if (!identity.ok()) return Failure(identity.status());
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(*identity, &json, print);
  std::fputs(json.c_str(), stdout);
  return 0;
}

int RunTokenIssue(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "issue") {
    if (argc >= 3 && (std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h")) {
      return std::fputs(kTokenUsage, stdout), 0;
    }
    return UsageError("token: expected 'token issue'");
  }
  auto flags = ParseFlags(argc, argv, 3, {"data-dir", "subject", "tier", "role", "ttl"}, {});
  if (!flags.ok()) return UsageError(std::string(flags.status().message()), "token issue");
  if (flags->help) return std::fputs(kTokenUsage, stdout), 0;
  if (auto extra = UnexpectedArgument(*flags, "token issue")) return *extra;
  for (const char* required : {"data-dir", "subject", "tier", "role"}) {
    if (!flags->has(required)) {
      return UsageError(absl::StrCat("token issue: --", required, " is required"), "token issue");
    }
  }
  v1::Tier tier = v1::TIER_UNSPECIFIED;
  if (!v1::Tier_Parse(absl::StrCat("TIER_", absl::AsciiStrToUpper(flags->get("tier"))), &tier)) {
    return UsageError("--tier: expected public, restricted or expert");
  }
  v1::Role role = v1::ROLE_UNSPECIFIED;
  if (!v1::Role_Parse(absl::StrCat("ROLE_", absl::AsciiStrToUpper(flags->get("role"))), &role)) {
    return UsageError("--role: expected reader, editor or admin");
  }
  int64_t ttl = flags->has("ttl") ? ParseDuration(flags->get("ttl")) : access::kDefaultTokenTtlSeconds;
  if (ttl == 0) return UsageError("--ttl: expected a duration such as 30m, 24h or 7d");
  if (auto s = access::ValidateTokenRequest(flags->get("subject"), tier, role, ttl); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  auto files = access::LoadNodeFiles(flags->get("data-dir"));
  if (!files.ok()) return Failure(files.status());
  v1::Token claims = access::NewTokenClaims(files->config.node_id(), flags->get("subject"), tier, role, ttl,
                                            catalog::SystemClock()->NowMillis());
  std::printf("%s\n", access::EncodeToken(claims, files->key).c_str());
  return 0;
}

// What `bibia-node` (serving) is started with, parsed from its flags.
struct ServeOptions {
  LogLevel log_level = LogLevel::kInfo;
  Server::Options server;
};

// The flag checks below return INVALID_ARGUMENT with the message a usage
// error shows, naming the flag at fault; a flag not given keeps its default.

// A finite number of at least `least` (NaN and infinities parse too).
absl::Status ParseNumber(const ParsedFlags& flags, const char* name, double least, double* value,
                         const char* expected) {
  if (!flags.has(name) || (absl::SimpleAtod(flags.get(name), value) && std::isfinite(*value) && *value >= least)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("--", name, ": expected ", expected));
}

// Whole MiB, from 1 to 64 GiB: enough for any machine, no overflow.
absl::Status ParseMebibytes(const ParsedFlags& flags, const char* name, size_t* bytes) {
  int64_t mib = 0;
  if (!flags.has(name)) return absl::OkStatus();
  if (!absl::SimpleAtoi(flags.get(name), &mib) || mib < 1 || mib > 65536) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": expected a whole number of MiB from 1 to 65536"));
  }
  *bytes = static_cast<size_t>(mib) << 20;
  return absl::OkStatus();
}

// Whole MiB from 0 to 1 TiB, as bytes.
template <typename Bytes>
absl::Status ParseMebibytesOrZero(const ParsedFlags& flags, const char* name, Bytes* bytes) {
  if (!flags.has(name)) return absl::OkStatus();
  int64_t mib = -1;
  if (!absl::SimpleAtoi(flags.get(name), &mib) || mib < 0 || mib > 1048576) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": expected a whole number of MiB from 0 to 1048576"));
  }
  *bytes = static_cast<Bytes>(mib) << 20;
  return absl::OkStatus();
}

absl::Status ParseWhole(const ParsedFlags& flags, const char* name, int least, int most, int* value) {
  int parsed = 0;
  if (!flags.has(name)) return absl::OkStatus();
  if (!absl::SimpleAtoi(flags.get(name), &parsed) || parsed < least || parsed > most) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": expected a whole number from ", least, " to ", most));
  }
  *value = parsed;
  return absl::OkStatus();
}

// A duration from `least` to 576h: it fits gRPC's int milliseconds.
absl::Status ParseBoundedDuration(const ParsedFlags& flags, const char* name, absl::Duration least,
                                  absl::Duration* value, const char* expected) {
  absl::Duration parsed;
  if (!flags.has(name)) return absl::OkStatus();
  if (!absl::ParseDuration(flags.get(name), &parsed) || parsed < least || parsed > absl::Hours(24 * 24)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": expected ", expected));
  }
  *value = parsed;
  return absl::OkStatus();
}

absl::StatusOr<LogLevel> ParseLogLevel(const ParsedFlags& flags) {
  const std::string level = flags.get("log-level", "info");
  if (level == "debug") return LogLevel::kDebug;
  if (level == "warning") return LogLevel::kWarning;
  if (level == "error") return LogLevel::kError;
  if (level == "info") return LogLevel::kInfo;
  return absl::InvalidArgumentError(absl::StrCat("--log-level: unknown level '", level, "'"));
}

// --data-dir, the gRPC and HTTP listeners and the page's public URL.
absl::Status ParseListeners(const ParsedFlags& flags, Server::Options* options) {
  options->data_dir = flags.get("data-dir");
  options->listen = flags.get("listen", kDefaultListenAddress);
  options->port_file = flags.get("port-file");
  options->insecure = flags.has("insecure");
  BIBIA_RETURN_IF_ERROR(access::CheckEndpoint(options->listen, "--listen", /*allow_port_zero=*/true));
  options->http_listen = flags.has("http") ? flags.get("http") : std::string(kDefaultHttpAddress);
  options->http_optional = !flags.has("http");
  options->http_port_file = flags.get("http-port-file");
  options->public_url = flags.get("public-url");
  if (flags.has("no-http")) {
    if (flags.has("http") || flags.has("http-port-file") || flags.has("public-url")) {
      return absl::InvalidArgumentError("--no-http: not with --http, --http-port-file or --public-url");
    }
    options->http_listen.clear();
  } else {
    BIBIA_RETURN_IF_ERROR(access::CheckEndpoint(options->http_listen, "--http", /*allow_port_zero=*/true));
  }
  if (flags.has("public-url")) {
    const std::string& url = options->public_url;
    const bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
    if (!scheme || url.size() > 200 || url.find_first_of(" \"<>\\^`{|}") != std::string::npos || url.back() == '/') {
      return absl::InvalidArgumentError("--public-url: expected http(s)://HOST[:PORT][/PATH] without a final '/'");
    }
  }
  return absl::OkStatus();
}

// The anonymous rate limit and the audit log's retention.
absl::Status ParseAccessFlags(const ParsedFlags& flags, Server::Options* options) {
  BIBIA_RETURN_IF_ERROR(ParseNumber(flags, "anonymous-rate", 0, &options->access.anonymous_rate,
                                    "a number of requests per second, 0 or more (0: no limit)"));
  // A bucket smaller than one request would refuse every anonymous call.
  BIBIA_RETURN_IF_ERROR(ParseNumber(flags, "anonymous-burst", 1, &options->access.anonymous_burst,
                                    "a number of requests, 1 or more"));
  if (flags.has("audit-retention-days") &&
      (!absl::SimpleAtoi(flags.get("audit-retention-days"), &options->access.audit_retention_days) ||
       options->access.audit_retention_days <= 0)) {
    return absl::InvalidArgumentError("--audit-retention-days: expected a positive number of days");
  }
  return absl::OkStatus();
}

// Gossip: its interval, fanout, or none.
absl::Status ParseGossipFlags(const ParsedFlags& flags, Server::Options* options) {
  if (flags.has("gossip-interval")) {
    absl::Duration interval;
    if (!absl::ParseDuration(flags.get("gossip-interval"), &interval) || interval < absl::Milliseconds(10)) {
      return absl::InvalidArgumentError("--gossip-interval: expected a duration of at least 10ms, e.g. 500ms or 2s");
    }
    options->federation.interval = interval;
  }
  if (flags.has("fanout") &&
      (!absl::SimpleAtoi(flags.get("fanout"), &options->federation.fanout) || options->federation.fanout < 1)) {
    return absl::InvalidArgumentError("--fanout: expected a positive number of peers");
  }
  options->federation.gossip = !flags.has("no-gossip");
  return absl::OkStatus();
}

// Memory and disk budgets in MiB.
absl::Status ParseBudgetFlags(const ParsedFlags& flags, Server::Options* options) {
  BIBIA_RETURN_IF_ERROR(ParseMebibytes(flags, "max-import-mib", &options->max_import_bytes));
  BIBIA_RETURN_IF_ERROR(ParseMebibytes(flags, "sync-buffer-mib", &options->federation.max_buffered_bytes));
  size_t max_audit_bytes = options->access.max_audit_bytes;
  BIBIA_RETURN_IF_ERROR(ParseMebibytes(flags, "max-audit-mib", &max_audit_bytes));
  options->access.max_audit_bytes = max_audit_bytes;
  BIBIA_RETURN_IF_ERROR(ParseMebibytesOrZero(flags, "disk-reserve-mib", &options->disk_reserve_bytes));
  BIBIA_RETURN_IF_ERROR(ParseMebibytes(flags, "transport-memory-mib", &options->limits.transport_memory_bytes));
  return ParseMebibytesOrZero(flags, "max-heap-mib", &options->limits.max_heap_bytes);
}

// The artifact chunk store's quota and the grace of uploads not committed.
absl::Status ParseArtifactFlags(const ParsedFlags& flags, Server::Options* options) {
  double gib = 0;
  BIBIA_RETURN_IF_ERROR(ParseNumber(flags, "max-artifact-gib", 0, &gib,
                                    "a number of GiB from 0 (no quota) to 1048576, e.g. 500 or 0.5"));
  if (gib > 1048576) {
    return absl::InvalidArgumentError(
        "--max-artifact-gib: expected a number of GiB from 0 (no quota) to 1048576, e.g. 500 or 0.5");
  }
  if (flags.has("max-artifact-gib")) options->max_artifact_bytes = static_cast<uint64_t>(gib * (1ull << 30));
  if (flags.has("chunk-grace")) {
    absl::Duration grace;
    if (!absl::ParseDuration(flags.get("chunk-grace"), &grace) || grace < absl::ZeroDuration()) {
      return absl::InvalidArgumentError("--chunk-grace: expected a duration, e.g. 24h or 0s");
    }
    options->chunk_grace_ms = absl::ToInt64Milliseconds(grace);
  }
  constexpr char kInterval[] = "a duration from 10ms to 576h, e.g. 1m, or 0";
  BIBIA_RETURN_IF_ERROR(ParseBoundedDuration(flags, "chunk-collect-interval", absl::ZeroDuration(),
                                             &options->chunk_collect_interval, kInterval));
  const absl::Duration interval = options->chunk_collect_interval;
  if (interval > absl::ZeroDuration() && interval < absl::Milliseconds(10)) {
    return absl::InvalidArgumentError(absl::StrCat("--chunk-collect-interval: expected ", kInterval));
  }
  return absl::OkStatus();
}

// Threads, streams, connections, calls, timeouts and the watchdog.
absl::Status ParseTransportFlags(const ParsedFlags& flags, TransportLimits* limits) {
  BIBIA_RETURN_IF_ERROR(ParseWhole(flags, "max-threads", 4, 100000, &limits->max_threads));
  BIBIA_RETURN_IF_ERROR(ParseWhole(flags, "max-streams-per-connection", 1, 100000, &limits->max_streams_per_connection));
  BIBIA_RETURN_IF_ERROR(ParseWhole(flags, "max-connections", 1, 10000000, &limits->max_connections));
  BIBIA_RETURN_IF_ERROR(
      ParseWhole(flags, "max-connections-per-address", 1, 10000000, &limits->max_connections_per_address));
  BIBIA_RETURN_IF_ERROR(ParseWhole(flags, "max-calls-per-address", 0, 10000000, &limits->max_calls_per_address));
  BIBIA_RETURN_IF_ERROR(ParseWhole(flags, "watchdog-failures", 1, 1000, &limits->watchdog.failures));
  BIBIA_RETURN_IF_ERROR(ParseBoundedDuration(flags, "idle-timeout", absl::Milliseconds(100), &limits->idle_timeout,
                                             "a duration from 100ms to 576h, e.g. 30s or 5m"));
  BIBIA_RETURN_IF_ERROR(ParseBoundedDuration(flags, "handshake-timeout", absl::Milliseconds(100),
                                             &limits->handshake_timeout, "a duration from 100ms to 576h, e.g. 10s"));
  return ParseBoundedDuration(flags, "watchdog-interval", absl::ZeroDuration(), &limits->watchdog.interval,
                              "a duration, e.g. 10s, or 0 to turn the watchdog off");
}

// Every serving flag, checked in the order --help lists them.
absl::StatusOr<ServeOptions> ParseServeOptions(const ParsedFlags& flags) {
  if (!flags.positional.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown command '", flags.positional[0], "'"));
  }
  if (!flags.has("data-dir")) return absl::InvalidArgumentError("--data-dir: required");
  ServeOptions options;
  BIBIA_ASSIGN_OR_RETURN(options.log_level, ParseLogLevel(flags));
  BIBIA_RETURN_IF_ERROR(ParseListeners(flags, &options.server));
  BIBIA_RETURN_IF_ERROR(ParseAccessFlags(flags, &options.server));
  BIBIA_RETURN_IF_ERROR(ParseGossipFlags(flags, &options.server));
  BIBIA_RETURN_IF_ERROR(ParseBudgetFlags(flags, &options.server));
  BIBIA_RETURN_IF_ERROR(ParseArtifactFlags(flags, &options.server));
  BIBIA_RETURN_IF_ERROR(ParseTransportFlags(flags, &options.server.limits));
  return options;
}

// Starts the server and serves until SIGTERM or SIGINT; the exit code.
int Serve(const Server::Options& options) {
  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  RouteGrpcLogs();
  auto server = Server::Start(options);
  if (!server.ok()) {
    Log(LogLevel::kError, "cannot start", {{"error", std::string(server.status().message())}});
    return 1;
  }
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    Log(LogLevel::kInfo, "stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    (*server)->Shutdown(absl::Seconds(5));
  });
  (*server)->Wait();
  stopper.join();
  server->reset();  // closes the store before the final line
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

int RunServe(int argc, char** argv) {
  auto flags = ParseFlags(argc, argv, 1,
                          {"data-dir", "listen", "port-file", "http", "http-port-file", "public-url", "log-level", "anonymous-rate", "anonymous-burst",
                           "audit-retention-days", "gossip-interval", "fanout", "max-import-mib", "sync-buffer-mib",
                           "max-audit-mib", "disk-reserve-mib", "max-threads", "max-streams-per-connection", "max-connections",
                           "max-connections-per-address", "max-calls-per-address", "idle-timeout", "handshake-timeout",
                           "transport-memory-mib", "max-heap-mib", "watchdog-interval", "watchdog-failures",
                           "max-artifact-gib", "chunk-grace", "chunk-collect-interval"},
                          {"insecure", "no-gossip", "no-http"});
  if (!flags.ok()) return UsageError(std::string(flags.status().message()));
  if (flags->help) return std::fputs(kUsage, stdout), 0;
  absl::StatusOr<ServeOptions> options = ParseServeOptions(*flags);
  if (!options.ok()) return UsageError(std::string(options.status().message()));
  SetLogLevel(options->log_level);
  return Serve(options->server);
}

}  // namespace

int RunNodeCommand(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "--version" && argc == 2) return std::printf("bibia-node %s\n", BIBIA_VERSION), 0;
  if (command == "init") return RunInit(argc, argv);
  if (command == "identity") return RunIdentity(argc, argv);
  if (command == "token") return RunTokenIssue(argc, argv);
  return RunServe(argc, argv);
}

}  // namespace bibia::node
