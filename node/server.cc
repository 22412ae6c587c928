#include "node/server.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "access/endpoint.h"
#include "catalog/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/security/auth_context.h"
#include "node/admin_service.h"
#include "node/catalog_service.h"
#include "node/federation_service.h"
#include "node/peers_service.h"
#include "node/request_guard.h"
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
  Services(catalog::CatalogStore* store, access::AccessControl* access, PeerManager* peers, size_t max_import_bytes)
      : catalog(store, access),
        contribute(store, access, max_import_bytes),
        admin(store, access),
        federation(store, access),
        peers(store, access, peers) {}
  CatalogService catalog;
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

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const Options& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("--data-dir: required");
  BIBIA_RETURN_IF_ERROR(access::CheckEndpoint(options.listen, "--listen", /*allow_port_zero=*/true));
  const size_t colon = options.listen.rfind(':');

  auto server = std::unique_ptr<Server>(new Server());
  BIBIA_ASSIGN_OR_RETURN(access::NodeFiles files, access::LoadNodeFiles(options.data_dir));
  server->files_ = std::make_unique<access::NodeFiles>(std::move(files));
  server->signer_ = std::make_unique<access::NodeSigner>(server->files_->key);
  catalog::CatalogStore::Options store_options;
  store_options.node_id = server->files_->config.node_id();
  store_options.signer = server->signer_.get();
  BIBIA_RETURN_IF_ERROR(access::CheckStoreNotLost(*server->files_));
  BIBIA_ASSIGN_OR_RETURN(server->store_, catalog::CatalogStore::Open(server->files_->db_dir, store_options));
  BIBIA_RETURN_IF_ERROR(access::MarkStoreOpened(*server->files_));
  BIBIA_ASSIGN_OR_RETURN(server->access_, access::AccessControl::Create(options.access, server->files_.get(),
                                                                        server->store_.get(), catalog::SystemClock()));
  server->peers_ = std::make_unique<PeerManager>(options.federation, server->store_.get(), server->access_.get(),
                                                 server->files_.get());
  server->services_ =
      std::make_unique<Services>(server->store_.get(), server->access_.get(), server->peers_.get(),
                                 options.max_import_bytes);
  FederationService* federation = &server->services_->federation;
  server->store_->SetWriteListener([federation] { federation->Notify(); });
  // Before anything is served or pulled.
  BIBIA_RETURN_IF_ERROR(server->services_->admin.EnforceHeldTierAtStart());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, MakeCredentials(*server->files_, options.insecure), &port);
  // gRPC sets SO_REUSEPORT by default: a second node on a port in use would
  // start and share its connections with the first instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.RegisterService(&server->services_->catalog);
  builder.RegisterService(&server->services_->contribute);
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
  auto stats = server->store_->Stats();
  Log(LogLevel::kInfo, "listening",
      {{"address", server->address_},
       {"node_id", server->store_->node_id()},
       {"data_dir", options.data_dir},
       {"transport", options.insecure ? "plaintext (--insecure)" : "tls"},
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

void Server::Shutdown(absl::Duration grace) {
  if (!grpc_server_) return;
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
