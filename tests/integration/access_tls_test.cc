// Transport security of a node: clients must trust the node's certificate,
// plaintext reaches only a node started with --insecure, client certificates
// identify roster members (at their max_tier) and nobody else, and a node
// refuses to start with a private key readable by others.
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kNodeId[] = "tls-a";
constexpr char kMemberId[] = "tls-member";     // in the roster, max_tier restricted
constexpr char kStrangerId[] = "tls-stranger";  // initialised, not in the roster
constexpr char kProjectId[] = "tls-project";

struct Environment {
  bool ready = false;  // Prepare() ran through
  TempDir dir;
  std::optional<Operator> op;
  std::unique_ptr<NodeProcess> node;
  std::string ca;  // the node's tls.crt
  std::optional<std::string> admin;
  std::string member_dir, stranger_dir;
};
Environment* env = nullptr;

class AccessTlsTest : public ::testing::Test {
 protected:
  // Starts the suite's node. Called by the first test of the process, not
  // from SetUpTestSuite: gtest turns a failure there into skipped tests,
  // which ctest counts as skipped, not failed.
  static void Prepare() {
    env = new Environment();
    const std::string root = env->dir.path();
    auto op = MakeOperator(root);
    ASSERT_TRUE(op.ok()) << op.status();
    env->op = *op;
    const std::string a_dir = root + "/a";
    env->member_dir = root + "/member";
    env->stranger_dir = root + "/stranger";
    ASSERT_EQ(InitNodeDir(a_dir, kNodeId, env->op->public_key_file), "");
    ASSERT_EQ(InitNodeDir(env->member_dir, kMemberId), "");
    ASSERT_EQ(InitNodeDir(env->stranger_dir, kStrangerId), "");
    env->node = std::make_unique<NodeProcess>(a_dir, std::vector<std::string>{"--anonymous-rate", "0"}, kNodeId);
    ASSERT_TRUE(env->node->Start()) << env->node->log();
    env->ca = ReadTextFile(env->node->certificate_file());
    env->admin = Bearer(env->node->IssueToken("expert", "admin"));
    ASSERT_TRUE(env->admin);

    Stubs stubs(TlsChannel(env->node->address(), env->ca));
    auto a_identity = NodeIdentityOf(a_dir);
    ASSERT_TRUE(a_identity.ok()) << a_identity.status();
    auto member_identity = NodeIdentityOf(env->member_dir);
    ASSERT_TRUE(member_identity.ok()) << member_identity.status();
    v1::InstallRosterRequest install;
    *install.mutable_roster() = SignedRosterOf(
        {MemberOf(*a_identity, v1::TIER_EXPERT), MemberOf(*member_identity, v1::TIER_RESTRICTED)}, 1, env->op->key);
    v1::InstallRosterResponse installed;
    grpc::Status s = stubs.admin->InstallRoster(Context(env->admin).get(), install, &installed);
    ASSERT_TRUE(s.ok()) << Describe(s);

    v1::PutProjectRequest put;
    *put.mutable_project() = ThreeFacetProject(kProjectId, "tlsmarker");
    v1::PutProjectResponse put_response;
    s = stubs.contribute->PutProject(Context(env->admin).get(), put, &put_response);
    ASSERT_TRUE(s.ok()) << Describe(s);
    v1::AddFeedbackRequest add;
    add.mutable_feedback()->set_project_id(kProjectId);
    add.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_LESSON);
    add.mutable_feedback()->set_text("Former les agents.");
    v1::AddFeedbackResponse added;
    s = stubs.contribute->AddFeedback(Context(env->admin).get(), add, &added);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }

  static void TearDownTestSuite() {
    delete env;
    env = nullptr;
  }

  void SetUp() override {
    if (env == nullptr) {
      Prepare();
      if (!HasFatalFailure()) env->ready = true;
    }
    ASSERT_TRUE(env->ready) << "the suite's setup failed (see the first test that ran)";
  }

  static grpc::Status GetProject(Stubs& stubs, const std::optional<std::string>& bearer,
                                 v1::GetProjectResponse* response) {
    v1::GetProjectRequest request;
    request.set_id(kProjectId);
    return stubs.catalog->GetProject(Context(bearer, 5).get(), request, response);
  }

  static grpc::Status ListFeedback(Stubs& stubs, v1::ListFeedbackResponse* response) {
    v1::ListFeedbackRequest request;
    request.set_project_id(kProjectId);
    return stubs.catalog->ListFeedback(Context(std::nullopt, 5).get(), request, response);
  }

  static grpc::Status Put(Stubs& stubs, const std::string& id) {
    v1::PutProjectRequest request;
    *request.mutable_project() = ThreeFacetProject(id);
    v1::PutProjectResponse response;
    return stubs.contribute->PutProject(Context(std::nullopt, 5).get(), request, &response);
  }
};

TEST_F(AccessTlsTest, TrustingTheNodesCertificateWorks) {
  Stubs stubs(TlsChannel(env->node->address(), env->ca));
  v1::StatsResponse stats;
  grpc::Status s = stubs.catalog->Stats(Context(std::nullopt, 5).get(), {}, &stats);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(stats.node_id(), kNodeId);
}

TEST_F(AccessTlsTest, ClientNotTrustingTheNodesCertificateIsUnavailable) {
  // Another node's certificate as the only root: the handshake must fail,
  // with or without a (valid) token.
  Stubs stubs(TlsChannel(env->node->address(), ReadTextFile(env->stranger_dir + "/tls.crt")));
  for (const auto& bearer : {std::optional<std::string>(), env->admin}) {
    v1::StatsResponse stats;
    grpc::Status s = stubs.catalog->Stats(Context(bearer, 5).get(), {}, &stats);
    EXPECT_EQ(CodeName(s.error_code()), "UNAVAILABLE") << Describe(s);
    EXPECT_EQ(stats.node_id(), "");
  }
}

TEST_F(AccessTlsTest, PlaintextClientCannotTalkToTlsNode) {
  Stubs stubs(PlaintextChannel(env->node->address()));
  for (const auto& bearer : {std::optional<std::string>(), env->admin}) {
    v1::StatsResponse stats;
    grpc::Status s = stubs.catalog->Stats(Context(bearer, 5).get(), {}, &stats);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(CodeName(s.error_code()), "UNAVAILABLE") << Describe(s);
    EXPECT_EQ(stats.node_id(), "");
    v1::PutProjectRequest put;
    *put.mutable_project() = ThreeFacetProject("tls-plaintext-put");
    v1::PutProjectResponse put_response;
    s = stubs.contribute->PutProject(Context(bearer, 5).get(), put, &put_response);
    EXPECT_FALSE(s.ok()) << "a plaintext write must not reach a TLS node";
  }
  Stubs tls(TlsChannel(env->node->address(), env->ca));
  v1::GetProjectRequest get;
  get.set_id("tls-plaintext-put");
  v1::GetProjectResponse got;
  EXPECT_EQ(CodeName(tls.catalog->GetProject(Context(env->admin).get(), get, &got).error_code()), "NOT_FOUND");
}

TEST_F(AccessTlsTest, InsecureNodeAcceptsPlaintextOnly) {
  TempDir dir;
  NodeProcess node(dir.path() + "/insecure", {"--insecure", "--anonymous-rate", "0"}, "tls-insecure");
  ASSERT_TRUE(node.Start()) << node.log();
  EXPECT_THAT(node.log(), HasSubstr("plaintext"));
  Stubs plain(PlaintextChannel(node.address()));
  v1::StatsResponse stats;
  grpc::Status s = plain.catalog->Stats(Context(std::nullopt, 5).get(), {}, &stats);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(stats.node_id(), "tls-insecure");
  // The policy point still applies: anonymous may not write, an editor may.
  EXPECT_EQ(CodeName(Put(plain, "insecure-anon").error_code()), "UNAUTHENTICATED");
  v1::PutProjectRequest put;
  *put.mutable_project() = ThreeFacetProject("insecure-editor");
  v1::PutProjectResponse put_response;
  s = plain.contribute->PutProject(Context(Bearer(node.IssueToken("expert", "editor"))).get(), put, &put_response);
  EXPECT_TRUE(s.ok()) << Describe(s);

  Stubs tls(TlsChannel(node.address(), ReadTextFile(node.certificate_file())));
  s = tls.catalog->Stats(Context(std::nullopt, 5).get(), {}, &stats);
  EXPECT_EQ(CodeName(s.error_code()), "UNAVAILABLE") << Describe(s);
}

TEST_F(AccessTlsTest, ClientCertificateNotInRosterIsAnonymous) {
  Stubs stubs(TlsChannel(env->node->address(), env->ca, ReadTextFile(env->stranger_dir + "/tls.key"),
                         ReadTextFile(env->stranger_dir + "/tls.crt")));
  v1::GetProjectResponse got;
  grpc::Status s = GetProject(stubs, std::nullopt, &got);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(v1::Tier_Name(got.tier()), "TIER_PUBLIC");
  EXPECT_EQ(got.project().public_().id(), kProjectId);
  EXPECT_FALSE(got.project().has_restricted());
  EXPECT_FALSE(got.project().has_expert());
  v1::ListFeedbackResponse feedback;
  s = ListFeedback(stubs, &feedback);
  EXPECT_EQ(CodeName(s.error_code()), "UNAUTHENTICATED") << Describe(s);
  EXPECT_EQ(feedback.feedback_size(), 0);
  EXPECT_EQ(CodeName(Put(stubs, "tls-stranger-put").error_code()), "UNAUTHENTICATED");
}

TEST_F(AccessTlsTest, RosterMemberCertificateReadsAtItsMaxTier) {
  Stubs stubs(TlsChannel(env->node->address(), env->ca, ReadTextFile(env->member_dir + "/tls.key"),
                         ReadTextFile(env->member_dir + "/tls.crt")));
  v1::GetProjectResponse got;
  grpc::Status s = GetProject(stubs, std::nullopt, &got);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(v1::Tier_Name(got.tier()), "TIER_RESTRICTED");
  ASSERT_TRUE(got.project().has_restricted()) << got.ShortDebugString();
  ASSERT_EQ(got.project().restricted().contacts_size(), 1);
  EXPECT_EQ(got.project().restricted().contacts(0).email(), "tlsmarker@testville.example.org");
  EXPECT_FALSE(got.project().has_expert()) << "max_tier restricted: no expert facet";
  v1::ListFeedbackResponse feedback;
  s = ListFeedback(stubs, &feedback);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(feedback.feedback_size(), 1);
  // A peer reads; it never writes or administers this node.
  EXPECT_EQ(CodeName(Put(stubs, "tls-member-put").error_code()), "PERMISSION_DENIED");
  v1::ListTokensResponse tokens;
  EXPECT_EQ(CodeName(stubs.admin->ListTokens(Context(std::nullopt, 5).get(), {}, &tokens).error_code()),
            "PERMISSION_DENIED");

  // The restricted read is audited under the peer's node id.
  Stubs admin(TlsChannel(env->node->address(), env->ca));
  v1::ListAuditRequest audit_request;
  audit_request.set_subject(kMemberId);
  v1::ListAuditResponse audit;
  s = admin.admin->ListAudit(Context(env->admin).get(), audit_request, &audit);
  ASSERT_TRUE(s.ok()) << Describe(s);
  bool found = false;
  for (const auto& e : audit.events()) {
    if (e.method() == "GetProject" && e.outcome() == "OK") {
      found = true;
      EXPECT_EQ(v1::Tier_Name(e.tier()), "TIER_RESTRICTED");
      EXPECT_THAT(e.record_ids(), ::testing::Contains(kProjectId));
    }
  }
  EXPECT_TRUE(found) << audit.ShortDebugString();
}

// node.key and tls.key must be 0600 or stricter; the node names the file.
class AccessKeyModeTest : public ::testing::TestWithParam<std::tuple<const char*, int>> {};

TEST_P(AccessKeyModeTest, NodeRefusesToStart) {
  const auto [file, mode] = GetParam();
  TempDir dir;
  const std::string data_dir = dir.path() + "/node";
  ASSERT_EQ(InitNodeDir(data_dir, "key-mode"), "");
  const std::string path = data_dir + "/" + file;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  const std::string port_file = dir.path() + "/port";
  CommandResult r = RunCommand({NodeBinary(), "--data-dir", data_dir, "--listen", "127.0.0.1:0", "--port-file",
                                port_file, "--anonymous-rate", "0"},
                               "", 30);
  EXPECT_EQ(r.exit_code, 1) << "a node with " << file << " mode " << std::oct << mode << " must exit 1\n" << r.err;
  EXPECT_THAT(r.err, HasSubstr(path));
  EXPECT_FALSE(std::filesystem::exists(port_file)) << "it must not have listened";

  // The same directory starts once the mode is fixed.
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  NodeProcess node(data_dir, {"--anonymous-rate", "0"}, "key-mode");
  EXPECT_TRUE(node.Start()) << node.log();
}

INSTANTIATE_TEST_SUITE_P(Modes, AccessKeyModeTest,
                         ::testing::Combine(::testing::Values("node.key", "tls.key"), ::testing::Values(0644, 0640)),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param);
                           name[name.find('.')] = '_';
                           return name + "_" + (std::get<1>(info.param) == 0644 ? "0644" : "0640");
                         });

}  // namespace
}  // namespace bibia::testing
