#include "node/server.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/endpoint.h"
#include "catalog/status_macros.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/security/auth_context.h"
#include "node/admin_service.h"
#include "node/artifacts_service.h"
#include "node/catalog_service.h"
#include "node/federation_service.h"
#include "node/peers_service.h"
#include "node/request_guard.h"
#include "node/undecodable_request.h"
#include "node/log.h"

namespace bibia::node {
namespace {

// Largest message a node accepts: import batches and, later, artifact chunks.
constexpr int kMaxMessageBytes = 64 << 20;
// How long a stopping node lets the replies of calls just handled go out.
constexpr absl::Duration kRepliesGrace = absl::Milliseconds(300);

absl::Status WritePortFile(const std::string& path, const std::string& address) {
  // Written then renamed, so a reader never sees a half-written file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << address << "\n";
    if (!out.good()) return absl::UnavailableError(absl::StrCat("port file ", tmp, ": cannot write"));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("port file ", path, ": cannot rename"));
  }
  return absl::OkStatus();
}

}  // namespace

class Server::Services {
 public:
  Services(catalog::Store* store, access::AccessControl* access, PeerManager* peers, size_t max_import_bytes,
           int64_t chunk_grace_ms)
      : catalog(store, access),
        fetcher(store->chunks(), [peers](const std::string& origin) { return peers->ChunkSources(origin); }),
        artifacts(store, access, &fetcher, chunk_grace_ms),
        contribute(store, access, max_import_bytes),
        admin(store, access),
        federation(store, access),
        peers(store, access, peers) {}
  CatalogService catalog;
  ChunkFetcher fetcher;  // pull-through, for artifacts
  ArtifactsService artifacts;
  ContributeService contribute;
  AdminService admin;
  FederationService federation;
  PeersService peers;
};

namespace {

std::shared_ptr<grpc::ServerCredentials> MakeCredentials(const access::NodeFiles& files, bool insecure) {
  if (insecure) return grpc::InsecureServerCredentials();
  // Client certificates are requested but verified by the policy point against
  // the roster, not by a CA: nodes are known by their fingerprints.
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  ssl.pem_key_cert_pairs.push_back({files.tls_key_pem, files.tls_certificate_pem});
  return grpc::SslServerCredentials(ssl);
}

// How often the store is asked whether it can write (a statvfs).
constexpr absl::Duration kStoreHealthInterval = absl::Seconds(2);
// How long the watchdog's probe waits for its connection to be ready.
constexpr absl::Duration kProbeDeadline = absl::Seconds(3);

// Where the node reaches itself: a wildcard listening address is probed on
// loopback.
std::string ProbeAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host == "0.0.0.0") return absl::StrCat("127.0.0.1:", port);
  if (host == "[::]" || host == "[::0]") return absl::StrCat("[::1]:", port);
  return address;
}

// True if the listener took a connection while probing: the probe's own
// (connected through TLS and HTTP/2 within kProbeDeadline), or any other the
// limiter saw (one refused at a cap proves accept(2) works too).
bool ProbeListener(const std::string& address, const access::NodeFiles& files, bool insecure,
                   const ConnectionLimiter& connections) {
  const uint64_t accepted_before = connections.accepted();
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a new connection each time
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!insecure) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = files.tls_certificate_pem;
    credentials = grpc::SslCredentials(ssl);
    args.SetSslTargetNameOverride("localhost");  // in the certificate's subjectAltNames
  }
  auto channel = grpc::CreateCustomChannel(ProbeAddress(address), credentials, args);
  const bool connected = channel->WaitForConnected(absl::ToChronoTime(absl::Now() + kProbeDeadline));
  return connected || connections.accepted() > accepted_before;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const Options& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("--data-dir: required");
  BIBIA_RETURN_IF_ERROR(access::CheckEndpoint(options.listen, "--listen", /*allow_port_zero=*/true));
  const size_t colon = options.listen.rfind(':');

  auto server = std::unique_ptr<Server>(new Server());
  BIBIA_ASSIGN_OR_RETURN(access::NodeFiles files, access::LoadNodeFiles(options.data_dir));
  server->files_ = std::make_unique<access::NodeFiles>(std::move(files));
  server->signer_ = std::make_unique<access::NodeSigner>(server->files_->key);
  catalog::Store::Options store_options;
  store_options.node_id = server->files_->config.node_id();
  store_options.signer = server->signer_.get();
  store_options.db.disk_reserve_bytes = options.disk_reserve_bytes;
  store_options.reindex_progress = [](int64_t done, int64_t total) {
    Log(LogLevel::kInfo, "re-indexing search (index format changed)",
        {{"done", std::to_string(done)}, {"total", std::to_string(total)}});
  };
  store_options.max_artifact_bytes = options.max_artifact_bytes;
  BIBIA_RETURN_IF_ERROR(access::CheckStoreNotLost(*server->files_));
  BIBIA_ASSIGN_OR_RETURN(server->store_, catalog::Store::Open(server->files_->db_dir, store_options));
  BIBIA_RETURN_IF_ERROR(access::MarkStoreOpened(*server->files_));
  BIBIA_ASSIGN_OR_RETURN(server->access_, access::AccessControl::Create(options.access, server->files_.get(),
                                                                        server->store_.get(), catalog::SystemClock()));
  server->peers_ = std::make_unique<PeerManager>(options.federation, server->store_.get(), server->access_.get(),
                                                 server->files_.get());
  server->services_ =
      std::make_unique<Services>(server->store_.get(), server->access_.get(), server->peers_.get(),
                                 options.max_import_bytes, options.chunk_grace_ms);
  FederationService* federation = &server->services_->federation;
  server->store_->SetWriteListener([federation] { federation->Notify(); });
  // Before anything is served or pulled.
  BIBIA_RETURN_IF_ERROR(server->services_->admin.EnforceHeldTierAtStart());
  // Uploads never committed, and chunks of manifests deleted while the node
  // was down, past their grace.
  BIBIA_RETURN_IF_ERROR(server->store_->CollectChunks(options.chunk_grace_ms).status());

  const TransportLimits& limits = options.limits;
  int max_connections = limits.max_connections;
  if (auto open_files = RaiseOpenFileLimit(); !open_files.ok()) {
    Log(LogLevel::kWarning, "cannot raise the open files limit",
        {{"error", std::string(open_files.status().message())}});
  } else {
    // Below the limit, accept(2) never fails with EMFILE (which stops gRPC
    // 1.51's listener for good).
    const uint64_t reserved = ReservedOpenFiles();
    const uint64_t budget = *open_files > 2 * reserved ? *open_files - reserved : *open_files / 2;
    if (static_cast<uint64_t>(max_connections) > budget) max_connections = static_cast<int>(budget);
    Log(LogLevel::kInfo, "open files limit",
        {{"limit", absl::StrCat(*open_files)},
         {"max_connections", absl::StrCat(max_connections)},
         {"lowered_from", max_connections < limits.max_connections ? absl::StrCat(limits.max_connections) : "-"}});
  }
  server->connections_ = std::make_unique<ConnectionLimiter>(
      max_connections, std::min(limits.max_connections_per_address, max_connections));

  RequestGuard::LimitCallsPerAddress(limits.max_calls_per_address);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Calls run on at most max_threads threads (past them gRPC answers
  // RESOURCE_EXHAUSTED "Server Threadpool Exhausted"), and transport buffers
  // within a memory quota.
  grpc::ResourceQuota quota("bibia-node");
  quota.SetMaxThreads(limits.max_threads);
  quota.Resize(limits.transport_memory_bytes);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_streams_per_connection);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(limits.idle_timeout)));
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(limits.handshake_timeout)));
  // Pings on connections with calls open (a Subscribe stream), so that a
  // peer gone without closing frees its thread within about 80 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);  // a quiet stream is pinged still
  builder.SetOption(server->connections_->BuilderOption());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(UndecodableRequestInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  int port = 0;
  builder.AddListeningPort(options.listen, MakeCredentials(*server->files_, options.insecure), &port);
  // gRPC sets SO_REUSEPORT by default: a second node on a port in use would
  // start and share its connections with the first instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.RegisterService(&server->services_->catalog);
  builder.RegisterService(&server->services_->contribute);
  builder.RegisterService(&server->services_->artifacts);
  builder.RegisterService(&server->services_->admin);
  builder.RegisterService(&server->services_->federation);
  builder.RegisterService(&server->services_->peers);
  server->grpc_server_ = builder.BuildAndStart();
  if (!server->grpc_server_ || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("--listen ", options.listen, ": cannot listen (address in use or not local?)"));
  }
  server->address_ = absl::StrCat(options.listen.substr(0, colon), ":", port);
  server->grpc_server_->GetHealthCheckService()->SetServingStatus(true);
  BIBIA_RETURN_IF_ERROR(server->peers_->Start());
  if (limits.watchdog.interval > absl::ZeroDuration()) {
    Server* self = server.get();
    const bool insecure = options.insecure;
    Watchdog::OnStuck on_stuck = options.on_stuck;
    server->watchdog_ = std::make_unique<Watchdog>(
        limits.watchdog,
        [self, insecure] { return ProbeListener(self->address_, *self->files_, insecure, *self->connections_); },
        [self, on_stuck](int failures) {
          self->grpc_server_->GetHealthCheckService()->SetServingStatus(false);
          Log(LogLevel::kError, "watchdog: the node no longer accepts connections; exiting to be restarted",
              {{"address", self->address_},
               {"failed_checks", absl::StrCat(failures)},
               {"exit_code", absl::StrCat(kWatchdogExitCode)}});
          if (on_stuck) return on_stuck(failures);
          // Like a crash: every acknowledged write is already durable.
          std::_Exit(kWatchdogExitCode);
        });
  }
  if (limits.max_heap_bytes > 0) {
    MemoryGuard::Options guard;
    guard.max_heap_bytes = limits.max_heap_bytes;
    server->memory_guard_ = std::make_unique<MemoryGuard>(guard, &MemoryGuard::MallocHeapBytes,
                                                          [self = server.get()] { return self->connections_->CloseAll(); });
  }
  {
    // Writes need a store that can write; so does the whole node once the
    // store stopped on an error (reads still work while the disk is full).
    grpc::HealthCheckServiceInterface* health = server->grpc_server_->GetHealthCheckService();
    server->store_health_ = std::make_unique<StoreHealth>(
        kStoreHealthInterval, [store = server->store_.get()] { return store->Health(); },
        [health](const absl::Status& status) {
          health->SetServingStatus("bibia.v1.Contribute", status.ok());
          health->SetServingStatus("", !absl::IsUnavailable(status));
        });
  }
  if (!options.http_listen.empty()) {
    if (absl::Status http = server->StartHttp(options); !http.ok()) {
      if (!options.http_optional) return http;
      Log(LogLevel::kWarning, "web page not served: the default HTTP address is not free (--http HOST:PORT)",
          {{"http", options.http_listen}, {"error", std::string(http.message())}});
    }
  }
  auto stats = server->store_->Stats();
  Log(LogLevel::kInfo, "listening",
      {{"address", server->address_},
       {"node_id", server->store_->node_id()},
       {"data_dir", options.data_dir},
       {"transport", options.insecure ? "plaintext (--insecure)" : "tls"},
       {"http", server->http_ ? server->http_->url() : "-"},
       {"projects", stats.ok() ? absl::StrCat(stats->projects()) : "?"}});
  // Last: whoever waits for the port file finds the line above in the log.
  if (!options.port_file.empty()) BIBIA_RETURN_IF_ERROR(WritePortFile(options.port_file, server->address_));
  return server;
}

Server::~Server() {
  Shutdown(absl::ZeroDuration());
  Wait();
}

void Server::Wait() {
  if (grpc_server_) grpc_server_->Wait();
}

absl::Status Server::StartHttp(const Options& options) {
  web::Gateway::Options http;
  http.listen = options.http_listen;
  http.insecure = options.insecure;
  http.tls_certificate_pem = files_->tls_certificate_pem;
  http.tls_key_pem = files_->tls_key_pem;
  http.api.base_url = options.public_url;
  http.api.logger = [](const web::Api::Event& event) {
    if (!event.audit_error.ok()) {
      Log(LogLevel::kError, "audit event lost",
          {{"method", event.operation}, {"error", std::string(event.audit_error.message())}});
    }
    const bool quiet = event.status.ok() && (event.operation == "asset" || event.operation == "healthz");
    Log(quiet || event.status.ok() ? LogLevel::kDebug : (event.http_status >= 500 ? LogLevel::kError : LogLevel::kInfo),
        "http",
        {{"method", event.request->method},
         {"path", event.request->path},
         {"operation", event.operation},
         {"caller", event.caller},
         {"tier", event.tier},
         {"peer", event.request->address},
         {"status", absl::StrCat(event.http_status)},
         {"code", absl::StatusCodeToString(event.status.code())},
         {"ms", absl::StrCat(event.ms)},
         {"error", std::string(event.status.message())}});
  };
  BIBIA_ASSIGN_OR_RETURN(http_, web::Gateway::Start(http, store_.get(), access_.get()));
  if (!options.http_port_file.empty()) BIBIA_RETURN_IF_ERROR(WritePortFile(options.http_port_file, http_->address()));
  return absl::OkStatus();
}

void Server::Shutdown(absl::Duration grace) {
  if (!grpc_server_) return;
  if (http_) http_->Stop();  // running HTTP requests finish first
  if (watchdog_) watchdog_->Stop();  // a stopping node refuses connections on purpose
  if (memory_guard_) memory_guard_->Stop();
  if (store_health_) store_health_->Stop();
  services_->federation.Stop();  // ends Subscribe streams, which never finish on their own
  peers_->Stop();
  grpc_server_->GetHealthCheckService()->SetServingStatus(false);
  // gRPC's own shutdown deadline also waits for idle client connections to go
  // away; wait for running calls ourselves. A call counts as done once its
  // handler returned, a moment before its reply is sent: a short last
  // deadline lets those replies out (cancelled, a committed write would be
  // reported to its client as failed) without waiting for idle connections.
  const absl::Time deadline = absl::Now() + grace;
  while (RequestGuard::InFlight() > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  const absl::Duration replies = grace > absl::ZeroDuration() ? kRepliesGrace : absl::ZeroDuration();
  grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + replies));
}

}  // namespace bibia::node
