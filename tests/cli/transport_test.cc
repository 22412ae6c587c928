// The real command flow against an in-process fake Admin service (no node):
// TLS with --ca, --roster or the system roots, --insecure, the bearer token
// in the call metadata, the hints of failed handshakes, and the admin
// commands' requests and output.
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "access/roster.h"
#include "access/signing.h"
#include "access/token.h"
#include "bibia/v1/admin_service.grpc.pb.h"
#include "cli/errors.h"
#include "cli/json_io.h"
#include "cli/run.h"
#include "gmock/gmock.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kTestData = BIBIA_CLI_TESTDATA;
const std::string kCertA = kTestData + "/node_a.crt";
const std::string kCertB = kTestData + "/node_b.crt";
const std::string kToken = "bibia1.SECRET-TOKEN-0123456789";

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Records what the CLI sent; answers with fixed data.
class FakeAdmin final : public v1::Admin::Service {
 public:
  std::string last_authorization() {
    std::lock_guard lock(mu_);
    return authorization_;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  void FailEchoingAuthorization() { fail_echoing_ = true; }
  // Calls without "Bearer `token`" are refused as UNAUTHENTICATED.
  void RequireToken(std::string token) { required_token_ = std::move(token); }

  v1::IssueTokenRequest issue_request;
  v1::RevokeTokenRequest revoke_request;
  v1::ListAuditRequest audit_request;
  v1::InstallRosterRequest install_request;
  v1::GetRosterResponse roster_response;

  grpc::Status IssueToken(grpc::ServerContext* context, const v1::IssueTokenRequest* request,
                          v1::IssueTokenResponse* response) override {
    if (grpc::Status status = Record(context); !status.ok()) return status;
    issue_request = *request;
    response->set_token("bibia1.NEWLY-ISSUED");
    response->mutable_claims()->set_token_id("t-42");
    response->mutable_claims()->set_subject(request->subject());
    return grpc::Status::OK;
  }
  grpc::Status RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse*) override {
    if (grpc::Status status = Record(context); !status.ok()) return status;
    revoke_request = *request;
    return grpc::Status::OK;
  }
  grpc::Status ListTokens(grpc::ServerContext* context, const v1::ListTokensRequest*,
                          v1::ListTokensResponse* response) override {
    if (grpc::Status status = Record(context); !status.ok()) return status;
    v1::TokenInfo* info = response->add_tokens();
    info->mutable_claims()->set_token_id("t-1");
    info->mutable_claims()->set_subject("alice@nantes");
    info->mutable_claims()->set_tier(v1::TIER_RESTRICTED);
    info->mutable_claims()->set_role(v1::ROLE_EDITOR);
    info->mutable_claims()->set_expires_unix_ms(1'795'000'000'000);
    info->set_revoked(true);
    return grpc::Status::OK;
  }
  grpc::Status ListAudit(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override {
    if (grpc::Status status = Record(context); !status.ok()) return status;
    audit_request = *request;
    v1::AuditEvent* older = response->add_events();
    older->set_time_unix_ms(1'790'000'000'000);
    older->set_subject("bob@rennes");
    older->set_method("GetProject");
    older->set_outcome("PERMISSION_DENIED");
    older->set_tier(v1::TIER_PUBLIC);
    v1::AuditEvent* newer = response->add_events();
    newer->set_time_unix_ms(1'790'000'100'000);
    newer->set_subject("alice@nantes");
    newer->set_method("PutProject");
    newer->add_record_ids("p1");
    newer->add_record_ids("p2");
    newer->set_outcome("OK");
    newer->set_tier(v1::TIER_EXPERT);
    return grpc::Status::OK;
  }
  grpc::Status InstallRoster(grpc::ServerContext* context,
                             const v1::InstallRosterRequest* request,
                             v1::InstallRosterResponse* response) override {
    if (grpc::Status status = Record(context); !status.ok()) return status;
    install_request = *request;
    v1::Roster roster;
    roster.ParseFromString(request->roster().roster());
    response->set_version(roster.version());
    return grpc::Status::OK;
  }
  grpc::Status GetRoster(grpc::ServerContext* context, const v1::GetRosterRequest*,
                         v1::GetRosterResponse* response) override {
    if (grpc::Status status = Record(context); !status.ok()) return status;
    *response = roster_response;
    return grpc::Status::OK;
  }

 private:
  grpc::Status Record(grpc::ServerContext* context) {
    std::lock_guard lock(mu_);
    ++calls_;
    auto it = context->client_metadata().find("authorization");
    authorization_ = it == context->client_metadata().end()
                         ? "(none)"
                         : std::string(it->second.data(), it->second.size());
    if (!required_token_.empty() && authorization_ != "Bearer " + required_token_) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          authorization_ == "(none)" ? "the call carries no token" : "bad token");
    }
    if (fail_echoing_) {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                          "caller '" + authorization_ + "' may not do this");
    }
    return grpc::Status::OK;
  }

  std::mutex mu_;
  std::string authorization_;
  int calls_ = 0;
  bool fail_echoing_ = false;
  std::string required_token_;
};

// A gRPC server on an ephemeral 127.0.0.1 port serving FakeAdmin, over TLS
// with testdata/node_a.crt or in plaintext.
class FakeNode {
 public:
  explicit FakeNode(bool tls) {
    std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
    if (tls) {
      grpc::SslServerCredentialsOptions options;
      options.pem_key_cert_pairs.push_back(
          {ReadText(kTestData + "/node_a.key"), ReadText(kCertA)});
      credentials = grpc::SslServerCredentials(options);
    }
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", credentials, &port_);
    builder.RegisterService(&admin);
    server_ = builder.BuildAndStart();
  }
  ~FakeNode() { server_->Shutdown(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  FakeAdmin admin;

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result RunWith(std::vector<std::string> args, const Environment& env = {},
               const std::string& stdin_text = "") {
  args.insert(args.begin(), {"--timeout", "5"});
  std::istringstream in(stdin_text);
  std::ostringstream out;
  std::ostringstream err;
  const int code = Run(args, env, {.in = in, .out = out, .err = err, .err_is_tty = false});
  return {code, out.str(), err.str()};
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("bibia_transport_test_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// A roster file whose one member carries `certificate_pem`.
std::string WriteRoster(const TempDir& dir, const std::string& certificate_pem) {
  v1::Roster roster;
  roster.set_version(1);
  v1::RosterMember* member = roster.add_members();
  member->set_node_id("nantes");
  member->set_public_key(std::string(32, 'k'));
  member->set_max_tier(v1::TIER_PUBLIC);
  member->set_tls_certificate(certificate_pem);
  absl::StatusOr<access::SigningKey> key = access::SigningKey::Generate();
  const std::string path = dir.File("roster.json");
  std::ofstream(path) << ToJson(access::SignRoster(roster, *key));
  return path;
}

TEST(TransportTest, TlsWithCaSendsTheBearerToken) {
  FakeNode node(/*tls=*/true);
  const Result result =
      RunWith({"--node", node.address(), "--ca", kCertA, "--token", kToken, "token", "list"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(node.admin.last_authorization(), "Bearer " + kToken);
  EXPECT_THAT(result.out, StartsWith("ID   SUBJECT       TIER        ROLE    EXPIRES (UTC)     REVOKED\n"));
  EXPECT_THAT(result.out, HasSubstr("t-1  alice@nantes  restricted  editor  2026-11-18 "));
  EXPECT_THAT(result.out, HasSubstr("  yes\n"));
}

TEST(TransportTest, NoTokenNoAuthorizationMetadata) {
  FakeNode node(/*tls=*/true);
  const Result result = RunWith({"--node", node.address(), "--ca", kCertA, "token", "list"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.admin.last_authorization(), "(none)");
}

TEST(TransportTest, NoTokenRefusedSaysHowToGiveOne) {
  FakeNode node(/*tls=*/true);
  node.admin.RequireToken(kToken);
  Result result = RunWith({"--node", node.address(), "--ca", kCertA, "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("UNAUTHENTICATED: the call carries no token: give a token with --token T, "
                                    "BIBIA_TOKEN or the config file"));
  // A token the node refuses: no hint about giving one.
  result = RunWith({"--node", node.address(), "--ca", kCertA, "--token", "not-the-token", "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("UNAUTHENTICATED: bad token"));
  EXPECT_THAT(result.err, Not(HasSubstr("give a token")));
  result = RunWith({"--node", node.address(), "--ca", kCertA, "--token", kToken, "token", "list"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
}

TEST(TransportTest, SystemRootsRejectASelfSignedNodeWithAHint) {
  FakeNode node(/*tls=*/true);
  const Result result = RunWith({"--node", node.address(), "--token", kToken, "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, StartsWith("bibia: error: UNAVAILABLE: cannot reach node at " +
                                     node.address() + ": TLS handshake failed: "));
  EXPECT_THAT(result.err, HasSubstr("use --ca <node data dir>/tls.crt, --roster FILE or --insecure\n"));
  EXPECT_THAT(result.err, Not(HasSubstr("SECRET")));
  EXPECT_EQ(node.admin.calls(), 0);
}

TEST(TransportTest, ACaThatDidNotSignTheNodesCertificateFails) {
  FakeNode node(/*tls=*/true);
  const Result result = RunWith({"--node", node.address(), "--ca", kCertB, "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("TLS handshake failed: the node's certificate is not "
                                    "signed by any certificate of the CA file or roster given"));
  EXPECT_EQ(node.admin.calls(), 0);
}

TEST(TransportTest, TlsToAPlaintextNodeSuggestsInsecure) {
  FakeNode node(/*tls=*/false);
  const Result result = RunWith({"--node", node.address(), "--ca", kCertA, "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("the node serves plaintext (started with --insecure?); "
                                    "use --insecure"));
}

TEST(TransportTest, InsecureToATlsNodeSuggestsCa) {
  FakeNode node(/*tls=*/true);
  const Result result = RunWith({"--node", node.address(), "--insecure", "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("instead of --insecure"));
}

TEST(TransportTest, InsecureFromTheEnvironmentStillSendsTheToken) {
  FakeNode node(/*tls=*/false);
  const Result result = RunWith({"--node", node.address(), "token", "list"},
                                {.token = kToken, .insecure = "1"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.admin.last_authorization(), "Bearer " + kToken);
}

TEST(TransportTest, RosterTrustsItsMembersCertificates) {
  FakeNode node(/*tls=*/true);
  TempDir dir;
  const std::string trusting = WriteRoster(dir, ReadText(kCertA));
  Result result = RunWith({"--node", node.address(), "--roster", trusting, "token", "list"});
  EXPECT_EQ(result.code, kExitOk) << result.err;

  // --roster with --ca: both are trusted.
  result = RunWith(
      {"--node", node.address(), "--ca", kCertB, "--roster", trusting, "token", "list"});
  EXPECT_EQ(result.code, kExitOk) << result.err;

  TempDir other;
  const std::string not_trusting = WriteRoster(other, ReadText(kCertB));
  result = RunWith({"--node", node.address(), "--roster", not_trusting, "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("TLS handshake failed"));
}

TEST(TransportTest, RosterWithoutCertificatesIsAnError) {
  TempDir dir;
  const std::string roster = WriteRoster(dir, "");
  const Result result = RunWith({"--node", "127.0.0.1:1", "--roster", roster, "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err, "bibia: error: " + roster +
                            ": no member of the roster has a tls_certificate to trust\n");
}

TEST(TransportTest, BadCaFilesAreNamed) {
  TempDir dir;
  Result result =
      RunWith({"--node", "127.0.0.1:1", "--ca", dir.File("missing.crt"), "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err,
            "bibia: error: CA file " + dir.File("missing.crt") + ": No such file or directory\n");

  std::ofstream(dir.File("not.crt")) << "hello\n";
  result = RunWith({"--node", "127.0.0.1:1", "--ca", dir.File("not.crt"), "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err,
            "bibia: error: CA file " + dir.File("not.crt") + ": no PEM certificate found\n");
}

TEST(TransportTest, ConfigFileSuppliesNodeCaAndTokenAndFlagsOverrideIt) {
  FakeNode node(/*tls=*/true);
  TempDir dir;
  std::filesystem::copy_file(kCertA, dir.File("node.crt"));
  const std::string config = dir.File("config");
  std::ofstream(config) << "# test\nnode = " << node.address() << "\nca = node.crt\ntoken = "
                        << kToken << "\n";
  Result result = RunWith({"token", "list"}, {.config = config});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.admin.last_authorization(), "Bearer " + kToken);

  // The environment's token wins over the file's, the flag's over both.
  result = RunWith({"token", "list"}, {.token = "bibia1.FROM-ENV", .config = config});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.admin.last_authorization(), "Bearer bibia1.FROM-ENV");
  result = RunWith({"--token", "bibia1.FROM-FLAG", "token", "list"},
                   {.token = "bibia1.FROM-ENV", .config = config});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.admin.last_authorization(), "Bearer bibia1.FROM-FLAG");

  // BIBIA_INSECURE=1 overrides the file's ca: plaintext to a TLS node fails.
  result = RunWith({"token", "list"}, {.insecure = "1", .config = config});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, HasSubstr("instead of --insecure"));
}

TEST(TransportTest, MalformedConfigIsAUsageErrorButHelpStillWorks) {
  TempDir dir;
  const std::string config = dir.File("config");
  std::ofstream(config) << "node = a:1\ntoken " << kToken << "\n";
  Result result = RunWith({"token", "list"}, {.config = config});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_EQ(result.err, "bibia: " + config + ":2: expected 'key = value'\n"
                        "Run 'bibia --help' for usage.\n");
  result = RunWith({"token", "list", "--help"}, {.config = config});
  EXPECT_EQ(result.code, kExitOk);
  EXPECT_THAT(result.out, StartsWith("Usage: bibia token list"));
}

TEST(TransportTest, AnErrorEchoingTheTokenHasItCutOut) {
  FakeNode node(/*tls=*/false);
  node.admin.FailEchoingAuthorization();
  const Result result =
      RunWith({"--insecure", "--node", node.address(), "--token", kToken, "token", "list"});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_EQ(result.err,
            "bibia: error: PERMISSION_DENIED: caller 'Bearer <token>' may not do this\n");
}

TEST(AdminCommandTest, TokenIssuePrintsTheTokenAloneAndSendsTheClaims) {
  FakeNode node(/*tls=*/false);
  Result result = RunWith({"--insecure", "--node", node.address(), "token", "issue",
                           "--subject", "alice@nantes", "--tier", "restricted", "--role",
                           "editor", "--ttl", "7d"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "bibia1.NEWLY-ISSUED\n");
  EXPECT_EQ(node.admin.issue_request.subject(), "alice@nantes");
  EXPECT_EQ(node.admin.issue_request.tier(), v1::TIER_RESTRICTED);
  EXPECT_EQ(node.admin.issue_request.role(), v1::ROLE_EDITOR);
  EXPECT_EQ(node.admin.issue_request.ttl_seconds(), 7 * 86400);

  // Without --ttl the node's default applies (0 on the wire).
  result = RunWith({"--insecure", "--node", node.address(), "--json", "token", "issue",
                    "--subject", "bob", "--tier", "public", "--role", "reader"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.admin.issue_request.ttl_seconds(), 0);
  v1::IssueTokenResponse response;
  ASSERT_TRUE(ParseJson(result.out, response).ok()) << result.out;
  EXPECT_EQ(response.token(), "bibia1.NEWLY-ISSUED");
  EXPECT_EQ(response.claims().token_id(), "t-42");
}

TEST(AdminCommandTest, TokenIssueUsageErrors) {
  Result result = RunWith({"--node", "127.0.0.1:1", "token", "issue", "--subject", "a",
                           "--tier", "public", "--role", "reader", "--ttl", "3 days"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: --ttl: expected a duration like 90s"));
  result = RunWith({"--node", "127.0.0.1:1", "token", "issue", "--subject", "a", "--tier",
                    "secret", "--role", "reader"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: --tier: unknown value 'secret' (valid: public, "
                                     "restricted, expert)"));
  result = RunWith({"--node", "127.0.0.1:1", "token", "issue", "--tier", "public"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: missing required flag --subject S"));
}

TEST(AdminCommandTest, TokenRevokeTakesAnIdOrAWholeToken) {
  FakeNode node(/*tls=*/false);
  Result result =
      RunWith({"--insecure", "--node", node.address(), "token", "revoke", "t-1"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "revoked t-1\n");
  EXPECT_EQ(node.admin.revoke_request.token_id(), "t-1");

  absl::StatusOr<access::SigningKey> key = access::SigningKey::Generate();
  v1::Token claims;
  claims.set_token_id("t-from-token");
  claims.set_subject("alice");
  claims.set_issuer("nantes");
  const std::string whole = access::EncodeToken(claims, *key);
  result = RunWith({"--insecure", "--node", node.address(), "token", "revoke", whole});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "revoked t-from-token\n");
  EXPECT_EQ(node.admin.revoke_request.token_id(), "t-from-token");

  result = RunWith({"--insecure", "--node", node.address(), "token", "revoke", "bibia1.%%%"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, HasSubstr("TOKEN_ID: looks like a token but token: malformed"));
  EXPECT_THAT(result.err, Not(HasSubstr("%%%")));
}

TEST(AdminCommandTest, AuditSendsFiltersAndPrintsNewestFirst) {
  FakeNode node(/*tls=*/false);
  const Result result =
      RunWith({"--insecure", "--node", node.address(), "audit", "--subject", "alice@nantes",
               "--method", "PutProject", "--since", "2026-11-01", "--limit", "20"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(node.admin.audit_request.subject(), "alice@nantes");
  EXPECT_EQ(node.admin.audit_request.method(), "PutProject");
  EXPECT_EQ(node.admin.audit_request.since_unix_ms(), 1'793'491'200'000);  // 2026-11-01 UTC
  EXPECT_EQ(node.admin.audit_request.limit(), 20);
  EXPECT_EQ(result.out,
            "TIME (UTC)           SUBJECT       TIER    METHOD      RECORDS  OUTCOME\n"
            "2026-09-21 14:15:00  alice@nantes  expert  PutProject  p1,p2    OK\n"
            "2026-09-21 14:13:20  bob@rennes    public  GetProject  -        PERMISSION_DENIED\n");
}

TEST(AdminCommandTest, AuditRejectsABadSince) {
  const Result result = RunWith({"--node", "127.0.0.1:1", "audit", "--since", "last week"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_THAT(result.err, StartsWith("bibia: --since: expected a duration back from now"));
}

TEST(AdminCommandTest, RosterInstallSendsTheFileAndGetShowsTheNodesRoster) {
  FakeNode node(/*tls=*/false);
  TempDir dir;
  const std::string roster = WriteRoster(dir, ReadText(kCertA));
  Result result =
      RunWith({"--insecure", "--node", node.address(), "roster", "install", roster});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "installed roster version 1 (1 members)\n");
  v1::Roster sent;
  ASSERT_TRUE(sent.ParseFromString(node.admin.install_request.roster().roster()));
  EXPECT_EQ(sent.members(0).node_id(), "nantes");
  EXPECT_EQ(node.admin.install_request.roster().signature().size(), 64u);

  result = RunWith({"--insecure", "--node", node.address(), "roster", "get"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, "the node has no roster (a federation of one)\n");

  *node.admin.roster_response.mutable_roster() = node.admin.install_request.roster();
  *node.admin.roster_response.mutable_decoded() = sent;
  result = RunWith({"--insecure", "--node", node.address(), "roster", "get"});
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_THAT(result.out, StartsWith("version  1\nmembers  1\n\nNODE    COLLECTIVITY  TIER"));
  EXPECT_THAT(result.out, HasSubstr("nantes  -             public  -         6b6b6b6b6b6b6b6b  -"));
}

TEST(AdminCommandTest, RosterInstallRefusesANonRosterFileBeforeCalling) {
  FakeNode node(/*tls=*/false);
  const Result result = RunWith(
      {"--insecure", "--node", node.address(), "roster", "install", "-"}, {},
      R"({"node_id": "nantes"})");
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_THAT(result.err, StartsWith("bibia: error: <stdin>: not a signed roster"));
  EXPECT_EQ(node.admin.calls(), 0);
}

}  // namespace
}  // namespace bibia::cli
