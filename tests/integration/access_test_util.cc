#include "tests/integration/access_test_util.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "access/access_control.h"
#include "access/node_files.h"
#include "access/roster.h"
#include "access/token.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "CODE_" + std::to_string(static_cast<int>(code));
  }
}

std::string Describe(const grpc::Status& status) {
  return CodeName(status.error_code()) + ": " + status.error_message();
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool WriteTextFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return out.good();
}

std::string InitNodeDir(const std::string& dir, const std::string& id, const std::string& operator_key_file) {
  std::vector<std::string> argv = {NodeBinary(), "init", "--data-dir", dir, "--id", id, "--collectivity",
                                   "Ville de " + id};
  if (!operator_key_file.empty()) {
    argv.push_back("--operator-key");
    argv.push_back(operator_key_file);
  }
  CommandResult r = RunCommand(argv, "", 30);
  if (r.exit_code == 0) return "";
  return "init " + dir + " exited " + std::to_string(r.exit_code) + ": " + r.err;
}

absl::StatusOr<v1::NodeIdentity> NodeIdentityOf(const std::string& dir) {
  CommandResult r = RunCommand({NodeBinary(), "identity", "--data-dir", dir}, "", 30);
  if (r.exit_code != 0) return absl::InternalError("bibia-node identity: " + r.err);
  v1::NodeIdentity identity;
  auto parsed = google::protobuf::util::JsonStringToMessage(r.out, &identity);
  if (!parsed.ok()) return absl::InternalError("identity JSON: " + parsed.ToString() + "\n" + r.out);
  return identity;
}

std::string IssueCliToken(const std::string& dir, const std::string& subject, const std::string& tier,
                          const std::string& role, const std::string& ttl) {
  CommandResult r = RunCommand({NodeBinary(), "token", "issue", "--data-dir", dir, "--subject", subject, "--tier",
                                tier, "--role", role, "--ttl", ttl},
                               "", 30);
  if (r.exit_code != 0 || r.out.empty()) return "";
  return r.out.substr(0, r.out.find('\n'));
}

absl::StatusOr<std::string> CraftToken(const std::string& dir, const std::string& subject, v1::Tier tier,
                                       v1::Role role, int64_t ttl_seconds, int64_t issued_unix_ms) {
  auto files = access::LoadNodeFiles(dir);
  if (!files.ok()) return files.status();
  v1::Token claims =
      access::NewTokenClaims(files->config.node_id(), subject, tier, role, ttl_seconds, issued_unix_ms);
  return access::EncodeToken(claims, files->key);
}

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::StatusOr<Operator> MakeOperator(const std::string& dir) {
  auto key = access::SigningKey::Generate();
  if (!key.ok()) return key.status();
  auto pem = access::PublicKeyToPem(key->PublicKey());
  if (!pem.ok()) return pem.status();
  Operator op{*key, dir + "/operator-key.pub"};
  if (!WriteTextFile(op.public_key_file, *pem)) return absl::InternalError("cannot write " + op.public_key_file);
  return op;
}

v1::RosterMember MemberOf(const v1::NodeIdentity& identity, v1::Tier max_tier) {
  v1::RosterMember member;
  member.set_node_id(identity.node_id());
  member.set_collectivity(identity.collectivity());
  member.set_public_key(identity.public_key());
  member.set_tls_fingerprint(identity.tls_fingerprint());
  member.set_tls_certificate(identity.tls_certificate());
  member.set_endpoint(identity.endpoint());
  member.set_max_tier(max_tier);
  return member;
}

v1::SignedRoster SignedRosterOf(const std::vector<v1::RosterMember>& members, uint64_t version,
                                const access::SigningKey& operator_key) {
  v1::Roster roster;
  roster.set_version(version);
  roster.set_issued_unix_ms(NowUnixMillis());
  roster.set_federation("Fédération de test");
  for (const auto& m : members) *roster.add_members() = m;
  return access::SignRoster(roster, operator_key);
}

namespace {

grpc::ChannelArguments IsolatedArguments() {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return arguments;
}

}  // namespace

std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const std::string& root_pem,
                                          const std::string& client_key_pem, const std::string& client_cert_pem) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = root_pem;
  ssl.pem_private_key = client_key_pem;
  ssl.pem_cert_chain = client_cert_pem;
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), IsolatedArguments());
}

std::shared_ptr<grpc::Channel> PlaintextChannel(const std::string& address) {
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), IsolatedArguments());
}

std::unique_ptr<grpc::ClientContext> Context(const std::optional<std::string>& bearer, int timeout_s) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_s));
  if (bearer) context->AddMetadata("authorization", *bearer);
  return context;
}

std::optional<std::string> Bearer(const std::string& token) {
  if (token.empty()) return std::nullopt;
  return "Bearer " + token;
}

v1::Project ThreeFacetProject(const std::string& id, const std::string& marker) {
  v1::Project project;
  v1::ProjectPublic* p = project.mutable_public_();
  p->set_id(id);
  p->mutable_collectivity()->set_name("Ville de Testville");
  p->mutable_collectivity()->set_region("Bretagne");
  p->set_title_fr("Détection des fuites du réseau d'eau " + id);
  p->set_summary_fr("Un modèle repère les fuites à partir des débits nocturnes.");
  p->set_domain(v1::DOMAIN_WATER);
  p->set_status(v1::STATUS_PILOT);
  p->add_techniques("anomaly detection");
  p->add_tags("fuites");
  v1::ProjectRestricted* r = project.mutable_restricted();
  v1::Contact* contact = r->add_contacts();
  contact->set_role("DSI " + marker);
  contact->set_email(marker + "@testville.example.org");
  contact->set_expires("2030-12-31");
  r->add_vendors("Vendor " + marker);
  v1::ProjectExpert* e = project.mutable_expert();
  e->set_source_repository("https://example.org/" + marker);
  e->set_license("MIT");
  return project;
}

grpc::Status ImportOne(v1::Contribute::Stub* stub, const std::optional<std::string>& bearer,
                       const v1::Project& project, v1::ImportResponse* response) {
  auto context = Context(bearer);
  auto writer = stub->Import(context.get(), response);
  v1::ImportRequest batch;
  *batch.add_projects() = project;
  batch.set_last(true);
  // A refused import may end the call before the batch is read: the write
  // may fail, and the status says why.
  (void)writer->Write(batch);
  (void)writer->WritesDone();
  return writer->Finish();
}

}  // namespace bibia::testing
