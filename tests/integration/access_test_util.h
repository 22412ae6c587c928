// Helpers shared by the access-tier integration tests (access_*_test.cc):
// identities made with the real `bibia-node` commands, the federation
// operator's key and roster, gRPC stubs over TLS (optionally presenting a
// client certificate), bearer-token contexts and test projects.
#ifndef BIBIA_TESTS_INTEGRATION_ACCESS_TEST_UTIL_H_
#define BIBIA_TESTS_INTEGRATION_ACCESS_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/signing.h"
#include "bibia/v1/admin_service.grpc.pb.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "bibia/v1/identity.pb.h"
#include "grpcpp/grpcpp.h"

namespace bibia::testing {

// "OK", "UNAUTHENTICATED", ... for messages and tables.
std::string CodeName(grpc::StatusCode code);
// "CODE: message".
std::string Describe(const grpc::Status& status);

// The whole content of a file ("" if unreadable).
std::string ReadTextFile(const std::string& path);
bool WriteTextFile(const std::string& path, const std::string& content);

// `bibia-node init --data-dir DIR --id ID --collectivity ... [--operator-key FILE]`.
// Returns "" on success, else the command's stderr.
std::string InitNodeDir(const std::string& dir, const std::string& id, const std::string& operator_key_file = "");

// `bibia-node identity --data-dir DIR`, parsed from its JSON.
absl::StatusOr<v1::NodeIdentity> NodeIdentityOf(const std::string& dir);

// `bibia-node token issue --data-dir DIR ...`; "" on failure.
std::string IssueCliToken(const std::string& dir, const std::string& subject, const std::string& tier,
                          const std::string& role, const std::string& ttl = "1h");

// A token signed with the key of the node in `dir` (loaded with
// LoadNodeFiles), with arbitrary issue time and lifetime.
absl::StatusOr<std::string> CraftToken(const std::string& dir, const std::string& subject, v1::Tier tier,
                                       v1::Role role, int64_t ttl_seconds, int64_t issued_unix_ms);

int64_t NowUnixMillis();

// The federation operator: an Ed25519 key and its public key as a PEM file
// (what `bibia-node init --operator-key` takes).
struct Operator {
  access::SigningKey key;
  std::string public_key_file;
};
absl::StatusOr<Operator> MakeOperator(const std::string& dir);

v1::RosterMember MemberOf(const v1::NodeIdentity& identity, v1::Tier max_tier);
v1::SignedRoster SignedRosterOf(const std::vector<v1::RosterMember>& members, uint64_t version,
                                const access::SigningKey& operator_key);

// A channel over TLS trusting `root_pem`; presents `client_key_pem` /
// `client_cert_pem` when given. Each channel has its own subchannel pool, so
// no connection is shared with a channel of other credentials.
std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const std::string& root_pem,
                                          const std::string& client_key_pem = "",
                                          const std::string& client_cert_pem = "");
std::shared_ptr<grpc::Channel> PlaintextChannel(const std::string& address);

// Stubs of the three services over one channel.
struct Stubs {
  explicit Stubs(const std::shared_ptr<grpc::Channel>& channel)
      : catalog(v1::Catalog::NewStub(channel)),
        contribute(v1::Contribute::NewStub(channel)),
        admin(v1::Admin::NewStub(channel)) {}
  std::unique_ptr<v1::Catalog::Stub> catalog;
  std::unique_ptr<v1::Contribute::Stub> contribute;
  std::unique_ptr<v1::Admin::Stub> admin;
};

// A context with a deadline and, when `bearer` is set, the metadata
// "authorization: <bearer>" (pass "Bearer " + token; see Bearer()).
std::unique_ptr<grpc::ClientContext> Context(const std::optional<std::string>& bearer, int timeout_s = 10);
// "Bearer <token>", or nullopt for an empty token (anonymous).
std::optional<std::string> Bearer(const std::string& token);

// A valid project with the three facets; `marker` is put into every text of
// the restricted and expert facets, so that a test can tell them apart.
v1::Project ThreeFacetProject(const std::string& id, const std::string& marker = "facet");

// Imports one project through the client stream; returns the final status.
grpc::Status ImportOne(v1::Contribute::Stub* stub, const std::optional<std::string>& bearer,
                       const v1::Project& project, v1::ImportResponse* response);

}  // namespace bibia::testing

#endif  // BIBIA_TESTS_INTEGRATION_ACCESS_TEST_UTIL_H_
