// The authorization matrix of a node: every RPC of Catalog, Contribute and
// Admin called by every kind of caller, over TLS against a real bibia-node.
// The expected outcome of each cell is written out below from the documented
// rules (README "Roles and tokens", access/policy.h, identity.proto's roles), not
// computed by the policy code under test. Allowed calls carry valid requests
// and must really succeed; every write's effect (or absence of effect) is
// checked with the admin token.
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "access/token.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

// The unknown fields of `message`, to add some as a client of a newer
// schema would send them.
google::protobuf::UnknownFieldSet* UnknownFieldsOf(google::protobuf::Message* message) {
  return message->GetReflection()->MutableUnknownFields(message);
}


using ::testing::HasSubstr;
using ::testing::Not;

enum Rpc {
  kSearch,
  kGetProject,
  kListProjects,
  kStats,
  kListFeedback,
  kPutProject,
  kDeleteProject,
  kAddFeedback,
  kImport,
  kIssueToken,
  kRevokeToken,
  kListTokens,
  kListAudit,
  kInstallRoster,
  kGetRoster,
  // Writes above the caller's tier (issue "hardening", part 5): a put
  // setting all three facets, an import carrying feedback, and the
  // redaction of a restricted facet.
  kPutAllFacets,
  kImportFeedback,
  kRedactRestricted,
  kRpcCount
};
constexpr const char* kRpcNames[kRpcCount] = {
    "Catalog.Search",        "Catalog.GetProject",      "Catalog.ListProjects",  "Catalog.Stats",
    "Catalog.ListFeedback",  "Contribute.PutProject",   "Contribute.DeleteProject", "Contribute.AddFeedback",
    "Contribute.Import",     "Admin.IssueToken",        "Admin.RevokeToken",     "Admin.ListTokens",
    "Admin.ListAudit",       "Admin.InstallRoster",     "Admin.GetRoster",
    "Contribute.PutProject (all facets)", "Contribute.Import (feedback)", "Contribute.RedactHistory (restricted)"};

constexpr grpc::StatusCode OK = grpc::StatusCode::OK;
constexpr grpc::StatusCode UA = grpc::StatusCode::UNAUTHENTICATED;
constexpr grpc::StatusCode PD = grpc::StatusCode::PERMISSION_DENIED;

constexpr v1::Tier NONE = v1::TIER_UNSPECIFIED;  // GetProject refused
constexpr v1::Tier PUB = v1::TIER_PUBLIC;
constexpr v1::Tier RES = v1::TIER_RESTRICTED;
constexpr v1::Tier EXP = v1::TIER_EXPERT;

struct Row {
  const char* caller;
  grpc::StatusCode expected[kRpcCount];
  v1::Tier projected;  // the tier GetProject answers at
};
void PrintTo(const Row& row, std::ostream* os) { *os << row.caller; }

// The rules, as documented:
//   - Search, GetProject, ListProjects, Stats: anyone, anonymous included;
//     GetProject projected to the caller's tier.
//   - ListFeedback: tier restricted or more (feedback is restricted data).
//   - PutProject, DeleteProject, Import: role editor with a token of THIS
//     node; AddFeedback: the same, at tier restricted or more.
//   - Admin.*: role admin with a token of this node, at any tier (admin
//     includes editor; the tier still bounds what it reads and AddFeedback).
//   - An anonymous caller refused is UNAUTHENTICATED; an identified caller
//     refused is PERMISSION_DENIED.
//   - A token that does not verify (expired, unknown issuer, bad signature,
//     malformed, revoked) is UNAUTHENTICATED for every call, public reads
//     included: a bad token is never silently downgraded to anonymous.
//   - A token of another roster node is read with that node's max_tier as a
//     ceiling (node-b: restricted) and never writes or administers here.
//   - An editor writes the facets its tier reads (PutProject and Import
//     carry the facets of the caller's tier): setting a facet above it, an
//     import carrying feedback below tier restricted (AddFeedback's rule),
//     a redaction of a facet above it are PERMISSION_DENIED.
// clang-format off
constexpr Row kMatrix[] = {
  // Se Search, Ge GetProject, Li ListProjects, St Stats, Fb ListFeedback | Pu PutProject, De DeleteProject,
  // AF AddFeedback, Im Import | IT IssueToken, RT RevokeToken, LT ListTokens, LA ListAudit, IR InstallRoster,
  // GR GetRoster | PA PutProject of all facets, IF Import of feedback, RR RedactHistory of the restricted
  // facet; last column: the tier GetProject answers at.
  //                      Se  Ge  Li  St  Fb   Pu  De  AF  Im   IT  RT  LT  LA  IR  GR   PA  IF  RR
  {"anonymous",          {OK, OK, OK, OK, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, PUB},
  {"reader_public",      {OK, OK, OK, OK, PD,  PD, PD, PD, PD,  PD, PD, PD, PD, PD, PD,  PD, PD, PD}, PUB},
  {"reader_restricted",  {OK, OK, OK, OK, OK,  PD, PD, PD, PD,  PD, PD, PD, PD, PD, PD,  PD, PD, PD}, RES},
  {"reader_expert",      {OK, OK, OK, OK, OK,  PD, PD, PD, PD,  PD, PD, PD, PD, PD, PD,  PD, PD, PD}, EXP},
  {"editor_public",      {OK, OK, OK, OK, PD,  OK, OK, PD, OK,  PD, PD, PD, PD, PD, PD,  PD, PD, PD}, PUB},
  {"editor_expert",      {OK, OK, OK, OK, OK,  OK, OK, OK, OK,  PD, PD, PD, PD, PD, PD,  OK, OK, OK}, EXP},
  {"admin_expert",       {OK, OK, OK, OK, OK,  OK, OK, OK, OK,  OK, OK, OK, OK, OK, OK,  OK, OK, OK}, EXP},
  {"admin_public",       {OK, OK, OK, OK, PD,  OK, OK, PD, OK,  OK, OK, OK, OK, OK, OK,  PD, PD, PD}, PUB},
  {"expired_admin",      {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"outsider_admin",     {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"impostor_admin",     {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"flipped_prefix",     {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"flipped_middle",     {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"flipped_signature",  {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"flipped_last",       {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"garbage_bearer",     {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"revoked_admin",      {UA, UA, UA, UA, UA,  UA, UA, UA, UA,  UA, UA, UA, UA, UA, UA,  UA, UA, UA}, NONE},
  {"roster_peer_editor", {OK, OK, OK, OK, OK,  PD, PD, PD, PD,  PD, PD, PD, PD, PD, PD,  PD, PD, PD}, RES},
  {"roster_peer_admin",  {OK, OK, OK, OK, OK,  PD, PD, PD, PD,  PD, PD, PD, PD, PD, PD,  PD, PD, PD}, RES},
};
// clang-format on

constexpr char kNodeId[] = "node-a";
constexpr char kPeerId[] = "node-b";
constexpr char kFixtureId[] = "matrix-fixture";

// The node under test, its roster and every caller's credentials; one per
// test process (ctest runs each test in its own process).
struct Environment {
  bool ready = false;  // Prepare() ran through
  TempDir dir;
  std::optional<Operator> op;
  std::unique_ptr<NodeProcess> node;
  std::unique_ptr<Stubs> stubs;
  std::vector<v1::RosterMember> members;
  uint64_t next_roster_version = 1;
  std::optional<std::string> admin;  // "Bearer <admin token>"
  std::map<std::string, std::optional<std::string>> bearers;
  int counter = 0;
};
Environment* env = nullptr;

// One character of the token replaced by another base64url character whose
// 6-bit value differs in its top bit, so the decoded bytes always change.
std::string FlipAt(const std::string& token, size_t at) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string flipped = token;
  const char* found = std::strchr(kAlphabet, flipped[at]);
  if (at < 7 || found == nullptr) {  // in "bibia1.": any other letter
    flipped[at] = flipped[at] == 'b' ? 'c' : 'b';
  } else {
    flipped[at] = kAlphabet[(found - kAlphabet) ^ 0x20];
  }
  return flipped;
}

// ThreeFacetProject(id) with the facets `tier` reads (NONE: all three), as
// an editor of that tier writes it.
v1::Project ProjectOfTier(const std::string& id, v1::Tier tier) {
  v1::Project project = ThreeFacetProject(id);
  if (tier == NONE) return project;
  if (tier < RES) project.clear_restricted();
  if (tier < EXP) project.clear_expert();
  return project;
}

// Streams `messages` to Contribute.Import as `bearer`; the call's status.
grpc::Status StreamImport(v1::Contribute::Stub* stub, const std::optional<std::string>& bearer,
                          const std::vector<v1::ImportRequest>& messages, v1::ImportResponse* response) {
  auto context = Context(bearer);
  auto writer = stub->Import(context.get(), response);
  for (const v1::ImportRequest& m : messages) {
    if (!writer->Write(m)) break;  // the status says why
  }
  (void)writer->WritesDone();
  return writer->Finish();
}

class AccessBase : public ::testing::Test {
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

    // The node under test knows the operator; node-b is a roster member that
    // is not started (only its key matters); the outsider and the impostor
    // (same node id as the node under test, another key) are not members.
    const std::string a_dir = root + "/a", b_dir = root + "/b";
    ASSERT_EQ(InitNodeDir(a_dir, kNodeId, env->op->public_key_file), "");
    ASSERT_EQ(InitNodeDir(b_dir, kPeerId), "");
    ASSERT_EQ(InitNodeDir(root + "/outsider", "outsider"), "");
    ASSERT_EQ(InitNodeDir(root + "/impostor", kNodeId), "");

    env->node = std::make_unique<NodeProcess>(a_dir, std::vector<std::string>{"--anonymous-rate", "0"}, kNodeId);
    ASSERT_TRUE(env->node->Start()) << env->node->log();
    const std::string ca = ReadTextFile(env->node->certificate_file());
    ASSERT_FALSE(ca.empty());
    env->stubs = std::make_unique<Stubs>(TlsChannel(env->node->address(), ca));

    const std::string admin = env->node->IssueToken("expert", "admin");
    ASSERT_FALSE(admin.empty());
    env->admin = Bearer(admin);

    // Roster version 1: this node (expert) and node-b (at most restricted).
    auto a_identity = NodeIdentityOf(a_dir);
    ASSERT_TRUE(a_identity.ok()) << a_identity.status();
    auto b_identity = NodeIdentityOf(b_dir);
    ASSERT_TRUE(b_identity.ok()) << b_identity.status();
    ASSERT_EQ(b_identity->node_id(), kPeerId);
    ASSERT_EQ(b_identity->public_key().size(), 32u);
    env->members = {MemberOf(*a_identity, v1::TIER_EXPERT), MemberOf(*b_identity, v1::TIER_RESTRICTED)};
    {
      v1::InstallRosterRequest request;
      *request.mutable_roster() = SignedRosterOf(env->members, env->next_roster_version++, env->op->key);
      v1::InstallRosterResponse response;
      grpc::Status s = env->stubs->admin->InstallRoster(Context(env->admin).get(), request, &response);
      ASSERT_TRUE(s.ok()) << Describe(s);
      ASSERT_EQ(response.version(), 1u);
    }

    // The fixture: a project with the three facets and one feedback.
    {
      v1::PutProjectRequest request;
      *request.mutable_project() = ThreeFacetProject(kFixtureId, "fixture");
      v1::PutProjectResponse response;
      grpc::Status s = env->stubs->contribute->PutProject(Context(env->admin).get(), request, &response);
      ASSERT_TRUE(s.ok()) << Describe(s);
      v1::AddFeedbackRequest feedback;
      feedback.mutable_feedback()->set_project_id(kFixtureId);
      feedback.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_LESSON);
      feedback.mutable_feedback()->set_text("Associer les agents de terrain.");
      v1::AddFeedbackResponse added;
      s = env->stubs->contribute->AddFeedback(Context(env->admin).get(), feedback, &added);
      ASSERT_TRUE(s.ok()) << Describe(s);
    }

    auto& b = env->bearers;
    b["anonymous"] = std::nullopt;
    b["reader_public"] = Bearer(env->node->IssueToken("public", "reader"));
    b["reader_restricted"] = Bearer(env->node->IssueToken("restricted", "reader"));
    b["reader_expert"] = Bearer(env->node->IssueToken("expert", "reader"));
    b["editor_public"] = Bearer(env->node->IssueToken("public", "editor"));
    b["editor_expert"] = Bearer(env->node->IssueToken("expert", "editor"));
    b["admin_expert"] = env->admin;
    b["admin_public"] = Bearer(env->node->IssueToken("public", "admin"));
    auto expired = CraftToken(a_dir, "expired@node-a", v1::TIER_EXPERT, v1::ROLE_ADMIN, 3600,
                              NowUnixMillis() - 2 * 3600 * 1000);
    ASSERT_TRUE(expired.ok()) << expired.status();
    b["expired_admin"] = Bearer(*expired);
    b["outsider_admin"] = Bearer(IssueCliToken(root + "/outsider", "mallory@outsider", "expert", "admin"));
    b["impostor_admin"] = Bearer(IssueCliToken(root + "/impostor", "mallory@node-a", "expert", "admin"));
    const size_t body = admin.size() - 7;
    b["flipped_prefix"] = Bearer(FlipAt(admin, 0));
    b["flipped_middle"] = Bearer(FlipAt(admin, 7 + body / 2));
    b["flipped_signature"] = Bearer(FlipAt(admin, admin.size() - 10));
    b["flipped_last"] = Bearer(FlipAt(admin, admin.size() - 1));
    b["garbage_bearer"] = "Bearer not-a-token";
    b["roster_peer_editor"] = Bearer(IssueCliToken(b_dir, "bob@node-b", "expert", "editor"));
    b["roster_peer_admin"] = Bearer(IssueCliToken(b_dir, "root@node-b", "expert", "admin"));

    // Revoked: issued through Admin.IssueToken, working, then revoked.
    {
      v1::IssueTokenRequest request;
      request.set_subject("revoked@node-a");
      request.set_tier(v1::TIER_EXPERT);
      request.set_role(v1::ROLE_ADMIN);
      request.set_ttl_seconds(3600);
      v1::IssueTokenResponse issued;
      grpc::Status s = env->stubs->admin->IssueToken(Context(env->admin).get(), request, &issued);
      ASSERT_TRUE(s.ok()) << Describe(s);
      v1::ListTokensResponse tokens;
      s = env->stubs->admin->ListTokens(Context(Bearer(issued.token())).get(), {}, &tokens);
      ASSERT_TRUE(s.ok()) << "before revocation: " << Describe(s);
      v1::RevokeTokenRequest revoke;
      revoke.set_token_id(issued.claims().token_id());
      v1::RevokeTokenResponse revoked;
      s = env->stubs->admin->RevokeToken(Context(env->admin).get(), revoke, &revoked);
      ASSERT_TRUE(s.ok()) << Describe(s);
      b["revoked_admin"] = Bearer(issued.token());
    }
    for (const auto& [name, bearer] : b) {
      if (name != "anonymous") {
        ASSERT_TRUE(bearer.has_value() && bearer->size() > 7) << name;
      }
    }
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

  static std::string Unique(const std::string& prefix) { return prefix + "-" + std::to_string(++env->counter); }

  // Whether `id` exists, as the admin sees it.
  static bool Exists(const std::string& id) {
    v1::GetProjectRequest request;
    request.set_id(id);
    v1::GetProjectResponse response;
    grpc::Status s = env->stubs->catalog->GetProject(Context(env->admin).get(), request, &response);
    EXPECT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::NOT_FOUND) << Describe(s);
    return s.ok();
  }

  static int FeedbackCount() {
    v1::ListFeedbackRequest request;
    request.set_project_id(kFixtureId);
    v1::ListFeedbackResponse response;
    grpc::Status s = env->stubs->catalog->ListFeedback(Context(env->admin).get(), request, &response);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return response.feedback_size();
  }

  static uint64_t InstalledRosterVersion() {
    v1::GetRosterResponse response;
    grpc::Status s = env->stubs->admin->GetRoster(Context(env->admin).get(), {}, &response);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return response.decoded().version();
  }

  // Calls `rpc` as `bearer` with a valid request, checks the response of an
  // allowed call and the effect (or its absence) of a write, and returns the
  // call's status.
  static grpc::Status Invoke(Rpc rpc, const std::optional<std::string>& bearer, v1::Tier projected) {
    auto ctx = Context(bearer);
    switch (rpc) {
      case kSearch: {
        v1::SearchRequest request;
        request.set_query("fuites");
        v1::SearchResponse response;
        grpc::Status s = env->stubs->catalog->Search(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_GE(response.total_matches(), 1);
        }
        return s;
      }
      case kGetProject: {
        v1::GetProjectRequest request;
        request.set_id(kFixtureId);
        v1::GetProjectResponse response;
        grpc::Status s = env->stubs->catalog->GetProject(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_EQ(v1::Tier_Name(response.tier()), v1::Tier_Name(projected));
          EXPECT_EQ(response.project().public_().id(), kFixtureId);
          EXPECT_EQ(response.project().has_restricted(), projected >= v1::TIER_RESTRICTED)
              << response.project().ShortDebugString();
          EXPECT_EQ(response.project().has_expert(), projected >= v1::TIER_EXPERT)
              << response.project().ShortDebugString();
        }
        return s;
      }
      case kListProjects: {
        v1::ListProjectsRequest request;
        request.set_page_size(500);
        v1::ListProjectsResponse response;
        grpc::Status s = env->stubs->catalog->ListProjects(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_GE(response.projects_size(), 1);
        }
        return s;
      }
      case kStats: {
        v1::StatsResponse response;
        grpc::Status s = env->stubs->catalog->Stats(ctx.get(), {}, &response);
        if (s.ok()) {
          EXPECT_GE(response.projects(), 1);
          EXPECT_EQ(response.node_id(), kNodeId);
        }
        return s;
      }
      case kListFeedback: {
        v1::ListFeedbackRequest request;
        request.set_project_id(kFixtureId);
        v1::ListFeedbackResponse response;
        grpc::Status s = env->stubs->catalog->ListFeedback(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_GE(response.feedback_size(), 1);
        }
        if (!s.ok()) {
          EXPECT_EQ(response.feedback_size(), 0);
        }
        return s;
      }
      case kPutProject: {
        const std::string id = Unique("put");
        v1::PutProjectRequest request;
        *request.mutable_project() = ProjectOfTier(id, projected);
        v1::PutProjectResponse response;
        grpc::Status s = env->stubs->contribute->PutProject(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_EQ(response.id(), id);
          EXPECT_TRUE(response.created());
        }
        EXPECT_EQ(Exists(id), s.ok()) << "a refused put must write nothing, an accepted one must";
        return s;
      }
      case kDeleteProject: {
        const std::string id = Unique("delete");
        v1::PutProjectRequest put;
        *put.mutable_project() = ThreeFacetProject(id);
        v1::PutProjectResponse put_response;
        grpc::Status p = env->stubs->contribute->PutProject(Context(env->admin).get(), put, &put_response);
        EXPECT_TRUE(p.ok()) << "setting up the delete: " << Describe(p);
        v1::DeleteProjectRequest request;
        request.set_id(id);
        v1::DeleteProjectResponse response;
        grpc::Status s = env->stubs->contribute->DeleteProject(ctx.get(), request, &response);
        EXPECT_EQ(Exists(id), !s.ok()) << "a refused delete must leave the project";
        return s;
      }
      case kAddFeedback: {
        const int before = FeedbackCount();
        v1::AddFeedbackRequest request;
        request.mutable_feedback()->set_project_id(kFixtureId);
        request.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_SUCCESS_FACTOR);
        request.mutable_feedback()->set_text("Un référent métier disponible.");
        v1::AddFeedbackResponse response;
        grpc::Status s = env->stubs->contribute->AddFeedback(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_FALSE(response.feedback().id().empty());
          EXPECT_EQ(response.feedback().origin(), kNodeId);
        }
        EXPECT_EQ(FeedbackCount(), before + (s.ok() ? 1 : 0));
        return s;
      }
      case kImport: {
        const std::string id = Unique("import");
        v1::ImportResponse response;
        grpc::Status s = ImportOne(env->stubs->contribute.get(), bearer, ProjectOfTier(id, projected), &response);
        if (s.ok()) {
          EXPECT_EQ(response.imported(), 1);
          EXPECT_EQ(response.created(), 1);
        }
        EXPECT_EQ(Exists(id), s.ok());
        return s;
      }
      case kIssueToken: {
        const std::string subject = Unique("issued") + "@node-a";
        v1::IssueTokenRequest request;
        request.set_subject(subject);
        request.set_tier(v1::TIER_PUBLIC);
        request.set_role(v1::ROLE_READER);
        request.set_ttl_seconds(600);
        v1::IssueTokenResponse response;
        grpc::Status s = env->stubs->admin->IssueToken(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_EQ(response.claims().issuer(), kNodeId);
          EXPECT_EQ(response.claims().subject(), subject);
          v1::StatsResponse stats;
          grpc::Status use = env->stubs->catalog->Stats(Context(Bearer(response.token())).get(), {}, &stats);
          EXPECT_TRUE(use.ok()) << "the issued token must work: " << Describe(use);
        } else {
          EXPECT_TRUE(response.token().empty());
        }
        v1::ListTokensResponse tokens;
        grpc::Status l = env->stubs->admin->ListTokens(Context(env->admin).get(), {}, &tokens);
        EXPECT_TRUE(l.ok()) << Describe(l);
        int listed = 0;
        for (const auto& t : tokens.tokens()) listed += t.claims().subject() == subject;
        EXPECT_EQ(listed, s.ok() ? 1 : 0);
        return s;
      }
      case kRevokeToken: {
        v1::IssueTokenRequest issue;
        issue.set_subject(Unique("victim") + "@node-a");
        issue.set_tier(v1::TIER_PUBLIC);
        issue.set_role(v1::ROLE_READER);
        issue.set_ttl_seconds(600);
        v1::IssueTokenResponse victim;
        grpc::Status i = env->stubs->admin->IssueToken(Context(env->admin).get(), issue, &victim);
        EXPECT_TRUE(i.ok()) << "setting up the revocation: " << Describe(i);
        v1::RevokeTokenRequest request;
        request.set_token_id(victim.claims().token_id());
        v1::RevokeTokenResponse response;
        grpc::Status s = env->stubs->admin->RevokeToken(ctx.get(), request, &response);
        v1::StatsResponse stats;
        grpc::Status use = env->stubs->catalog->Stats(Context(Bearer(victim.token())).get(), {}, &stats);
        EXPECT_EQ(CodeName(use.error_code()), CodeName(s.ok() ? UA : OK))
            << "the target token after the revocation call: " << Describe(use);
        return s;
      }
      case kListTokens: {
        v1::ListTokensResponse response;
        grpc::Status s = env->stubs->admin->ListTokens(ctx.get(), {}, &response);
        if (s.ok()) {
          EXPECT_GE(response.tokens_size(), 1);
        }
        return s;
      }
      case kListAudit: {
        v1::ListAuditRequest request;
        request.set_limit(10);
        v1::ListAuditResponse response;
        grpc::Status s = env->stubs->admin->ListAudit(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_GE(response.events_size(), 1);
        }
        return s;
      }
      case kInstallRoster: {
        const uint64_t version = env->next_roster_version++;
        const uint64_t before = InstalledRosterVersion();
        v1::InstallRosterRequest request;
        *request.mutable_roster() = SignedRosterOf(env->members, version, env->op->key);
        v1::InstallRosterResponse response;
        grpc::Status s = env->stubs->admin->InstallRoster(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_EQ(response.version(), version);
        }
        EXPECT_EQ(InstalledRosterVersion(), s.ok() ? version : before);
        return s;
      }
      case kGetRoster: {
        v1::GetRosterResponse response;
        grpc::Status s = env->stubs->admin->GetRoster(ctx.get(), {}, &response);
        if (s.ok()) {
          EXPECT_GE(response.decoded().version(), 1u);
          EXPECT_EQ(response.decoded().members_size(), 2) << response.decoded().ShortDebugString();
          if (response.decoded().members_size() == 2) {
            EXPECT_EQ(response.decoded().members(1).node_id(), kPeerId);
          }
          EXPECT_FALSE(response.roster().signature().empty());
        }
        return s;
      }
      case kPutAllFacets: {
        const std::string id = Unique("put-all");
        v1::PutProjectRequest request;
        *request.mutable_project() = ThreeFacetProject(id);
        v1::PutProjectResponse response;
        grpc::Status s = env->stubs->contribute->PutProject(ctx.get(), request, &response);
        if (s.ok()) {
          EXPECT_TRUE(response.created());
        }
        EXPECT_EQ(Exists(id), s.ok()) << "a refused put must write nothing, an accepted one must";
        return s;
      }
      case kImportFeedback: {
        const int before = FeedbackCount();
        v1::ImportRequest batch;
        v1::Feedback* feedback = batch.add_feedback();
        feedback->set_project_id(kFixtureId);
        feedback->set_kind(v1::FEEDBACK_KIND_REUSE_REPORT);
        feedback->set_text("Importé : " + Unique("import-feedback"));
        batch.set_last(true);
        v1::ImportResponse response;
        grpc::Status s = StreamImport(env->stubs->contribute.get(), bearer, {batch}, &response);
        if (s.ok()) {
          EXPECT_EQ(response.feedback(), 1);
        }
        EXPECT_EQ(FeedbackCount(), before + (s.ok() ? 1 : 0));
        return s;
      }
      case kRedactRestricted: {
        const std::string id = Unique("redact");
        v1::PutProjectRequest put;
        *put.mutable_project() = ThreeFacetProject(id, "redact");
        v1::PutProjectResponse put_response;
        grpc::Status p = env->stubs->contribute->PutProject(Context(env->admin).get(), put, &put_response);
        EXPECT_TRUE(p.ok()) << "setting up the redaction: " << Describe(p);
        v1::RedactHistoryRequest request;
        request.set_id(id);
        request.set_tier(v1::TIER_RESTRICTED);
        v1::RedactHistoryResponse response;
        grpc::Status s = env->stubs->contribute->RedactHistory(ctx.get(), request, &response);
        // A redaction restates the facet's current value: it stays as it was.
        v1::GetProjectRequest get;
        get.set_id(id);
        v1::GetProjectResponse got;
        grpc::Status g = env->stubs->catalog->GetProject(Context(env->admin).get(), get, &got);
        EXPECT_TRUE(g.ok()) << Describe(g);
        EXPECT_EQ(got.project().restricted().vendors_size(), 1) << got.project().ShortDebugString();
        return s;
      }
      case kRpcCount: break;
    }
    return grpc::Status(grpc::StatusCode::INTERNAL, "no such rpc");
  }
};

class AccessMatrixTest : public AccessBase, public ::testing::WithParamInterface<Row> {};

TEST_P(AccessMatrixTest, EveryRpc) {
  const Row& row = GetParam();
  auto it = env->bearers.find(row.caller);
  ASSERT_NE(it, env->bearers.end()) << row.caller;
  const std::optional<std::string>& bearer = it->second;
  for (int rpc = 0; rpc < kRpcCount; ++rpc) {
    SCOPED_TRACE(std::string(kRpcNames[rpc]) + " as " + row.caller);
    grpc::Status s = Invoke(static_cast<Rpc>(rpc), bearer, row.projected);
    EXPECT_EQ(CodeName(s.error_code()), CodeName(row.expected[rpc])) << Describe(s);
    if (!s.ok()) {
      EXPECT_FALSE(s.error_message().empty());
      // A refusal never echoes the credential it refused.
      if (bearer && bearer->size() > 40) {
        EXPECT_THAT(s.error_message(), Not(HasSubstr(bearer->substr(7 + 8, 24))));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Callers, AccessMatrixTest, ::testing::ValuesIn(kMatrix),
                         [](const ::testing::TestParamInfo<Row>& info) { return std::string(info.param.caller); });

using AccessRulesTest = AccessBase;

// The refusal of a token says why, so that its holder can act on it.
TEST_F(AccessRulesTest, TokenRefusalsNameTheReason) {
  const std::map<std::string, std::string> reasons = {
      {"expired_admin", "expired"},
      {"outsider_admin", "issuer 'outsider'"},
      {"impostor_admin", "signature"},
      {"flipped_prefix", "bibia1."},
      {"revoked_admin", "revoked"},
      {"roster_peer_editor", "not an identity of node 'node-a'"},
  };
  for (const auto& [caller, reason] : reasons) {
    SCOPED_TRACE(caller);
    v1::PutProjectRequest request;
    *request.mutable_project() = ThreeFacetProject(Unique("reason"));
    v1::PutProjectResponse response;
    grpc::Status s =
        env->stubs->contribute->PutProject(Context(env->bearers.at(caller)).get(), request, &response);
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(s.error_message(), HasSubstr(reason)) << Describe(s);
  }
}

// An import is written only once its message marked last arrived: a client
// that stops half-way (killed, timed out) leaves nothing written.
TEST_F(AccessRulesTest, AnImportIsWrittenOnlyOnceItsLastMessageArrives) {
  const auto stream = [&](const std::vector<v1::ImportRequest>& messages) {
    v1::ImportResponse response;
    auto context = Context(env->admin);
    auto writer = env->stubs->contribute->Import(context.get(), &response);
    for (const v1::ImportRequest& m : messages) {
      if (!writer->Write(m)) break;  // the status says why
    }
    (void)writer->WritesDone();
    return writer->Finish();
  };
  v1::ImportRequest first, second;
  const std::string cut = Unique("cut"), rest = Unique("rest");
  *first.add_projects() = ThreeFacetProject(cut);
  *second.add_projects() = ThreeFacetProject(rest);

  grpc::Status s = stream({first, second});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED) << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("nothing written"));
  EXPECT_FALSE(Exists(cut));
  EXPECT_FALSE(Exists(rest));

  first.set_last(true);
  s = stream({first, second});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(s);
  EXPECT_FALSE(Exists(cut));

  first.set_last(false);
  second.set_last(true);
  s = stream({first, second});
  EXPECT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(Exists(cut));
  EXPECT_TRUE(Exists(rest));
}

// A roster is installed only if the operator signed it and it is newer.
TEST_F(AccessRulesTest, InstallRosterNeedsTheOperatorsSignatureAndANewerVersion) {
  const uint64_t before = InstalledRosterVersion();
  ASSERT_GE(before, 1u);
  auto forger = access::SigningKey::Generate();
  ASSERT_TRUE(forger.ok());
  struct Case {
    const char* what;
    v1::SignedRoster roster;
  };
  v1::SignedRoster tampered = SignedRosterOf(env->members, env->next_roster_version++, env->op->key);
  tampered.mutable_roster()->back() ^= 1;
  const v1::SignedRoster forged = SignedRosterOf(env->members, env->next_roster_version++, *forger);
  for (const Case& c : {Case{"signed by another key", forged},
                        Case{"tampered after signing", tampered},
                        Case{"same version", SignedRosterOf(env->members, before, env->op->key)},
                        Case{"older version", SignedRosterOf(env->members, before - 1, env->op->key)}}) {
    SCOPED_TRACE(c.what);
    v1::InstallRosterRequest request;
    *request.mutable_roster() = c.roster;
    v1::InstallRosterResponse response;
    grpc::Status s = env->stubs->admin->InstallRoster(Context(env->admin).get(), request, &response);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(CodeName(s.error_code()), "INTERNAL") << Describe(s);
    EXPECT_EQ(InstalledRosterVersion(), before);
  }
}

// GetProject of a project with all three facets, projected per tier: the
// facets a tier may read come back whole, the others are absent.
TEST_F(AccessRulesTest, GetProjectProjectsToTheCallersTier) {
  const v1::Project full = ThreeFacetProject(kFixtureId, "fixture");
  struct Case {
    const char* caller;
    v1::Tier tier;
  };
  for (const Case& c : {Case{"anonymous", PUB}, Case{"reader_public", PUB}, Case{"reader_restricted", RES},
                        Case{"reader_expert", EXP}, Case{"editor_expert", EXP}, Case{"admin_expert", EXP},
                        Case{"roster_peer_editor", RES}}) {
    SCOPED_TRACE(c.caller);
    v1::GetProjectRequest request;
    request.set_id(kFixtureId);
    v1::GetProjectResponse response;
    grpc::Status s = env->stubs->catalog->GetProject(Context(env->bearers.at(c.caller)).get(), request, &response);
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(v1::Tier_Name(response.tier()), v1::Tier_Name(c.tier));
    const v1::Project& got = response.project();
    EXPECT_EQ(got.public_().title_fr(), full.public_().title_fr());
    EXPECT_GT(got.public_().updated_unix_ms(), 0);
    if (c.tier >= RES) {
      ASSERT_TRUE(got.has_restricted());
      ASSERT_EQ(got.restricted().contacts_size(), 1);
      EXPECT_EQ(got.restricted().contacts(0).email(), full.restricted().contacts(0).email());
      EXPECT_EQ(got.restricted().vendors(0), full.restricted().vendors(0));
    } else {
      EXPECT_FALSE(got.has_restricted());
    }
    if (c.tier >= EXP) {
      ASSERT_TRUE(got.has_expert());
      EXPECT_EQ(got.expert().source_repository(), full.expert().source_repository());
      EXPECT_EQ(got.expert().license(), "MIT");
    } else {
      EXPECT_FALSE(got.has_expert());
    }
    const std::string bytes = response.SerializeAsString();
    if (c.tier < RES) {
      EXPECT_THAT(bytes, Not(HasSubstr("fixture@testville")));
    }
    if (c.tier < EXP) {
      EXPECT_THAT(bytes, Not(HasSubstr("example.org/fixture")));
    }
  }
}


// Every one-character change of a valid token is refused, the last
// character included: when the base64url body's length is not a multiple of
// 4, its last character carries unused low bits, and a parser that ignores
// them accepts 3 (or 15) altered spellings of the same token.
TEST_F(AccessRulesTest, EveryChangeOfTheLastCharacterIsRefused) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::string token = env->admin->substr(7);
  int refused = 0, tried = 0;
  for (const char* c = kAlphabet; *c; ++c) {
    if (*c == token.back()) continue;
    std::string variant = token;
    variant.back() = *c;
    ++tried;
    v1::StatsResponse stats;
    grpc::Status s = env->stubs->catalog->Stats(Context(Bearer(variant)).get(), {}, &stats);
    EXPECT_EQ(CodeName(s.error_code()), "UNAUTHENTICATED")
        << "the token with its last character '" << token.back() << "' changed to '" << *c << "' was accepted";
    refused += s.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  }
  EXPECT_EQ(refused, tried);
}

// The project `id` as the admin (expert) reads it; an empty one if absent.
v1::Project AsAdmin(const std::string& id) {
  v1::GetProjectRequest request;
  request.set_id(id);
  v1::GetProjectResponse response;
  grpc::Status s = env->stubs->catalog->GetProject(Context(env->admin).get(), request, &response);
  EXPECT_TRUE(s.ok()) << Describe(s);
  return response.project();
}

// A public-tier editor puts the public facet: the stored restricted and
// expert facets stay as they are, setting them is refused naming the facet,
// and `unchanged` says nothing about them.
TEST_F(AccessRulesTest, APublicEditorsPutKeepsTheHigherFacets) {
  const std::optional<std::string>& editor = env->bearers.at("editor_public");
  const std::string id = Unique("kept");
  const v1::Project full = ThreeFacetProject(id, "kept");
  {
    v1::PutProjectRequest request;
    *request.mutable_project() = full;
    v1::PutProjectResponse response;
    grpc::Status s = env->stubs->contribute->PutProject(Context(env->admin).get(), request, &response);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }
  const v1::Project stored = AsAdmin(id);
  ASSERT_TRUE(stored.has_restricted() && stored.has_expert());

  const auto put = [&](const v1::Project& project, v1::PutProjectResponse* response) {
    v1::PutProjectRequest request;
    *request.mutable_project() = project;
    return env->stubs->contribute->PutProject(Context(editor).get(), request, response);
  };
  // The public facet as it is: unchanged, though the editor sent no other.
  v1::Project public_only;
  *public_only.mutable_public_() = full.public_();
  v1::PutProjectResponse response;
  grpc::Status s = put(public_only, &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_TRUE(response.unchanged());
  // A new title: written, the other facets kept.
  public_only.mutable_public_()->set_title_fr("Fuites, saison 2");
  s = put(public_only, &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_FALSE(response.unchanged());
  v1::Project after = AsAdmin(id);
  EXPECT_EQ(after.public_().title_fr(), "Fuites, saison 2");
  EXPECT_EQ(after.restricted().SerializeAsString(), stored.restricted().SerializeAsString());
  EXPECT_EQ(after.expert().SerializeAsString(), stored.expert().SerializeAsString());

  // Overwriting or guessing the hidden facets: refused, nothing written.
  for (const char* facet : {"restricted", "expert"}) {
    SCOPED_TRACE(facet);
    v1::Project guess = ThreeFacetProject(id, "guess");
    if (std::string(facet) == "expert") guess.clear_restricted();
    s = put(guess, &response);
    EXPECT_EQ(CodeName(s.error_code()), "PERMISSION_DENIED") << Describe(s);
    EXPECT_THAT(s.error_message(), HasSubstr(std::string(facet) + ": PutProject of the " + facet + " facet"));
  }
  after = AsAdmin(id);
  EXPECT_EQ(after.restricted().SerializeAsString(), stored.restricted().SerializeAsString());
  EXPECT_EQ(after.expert().SerializeAsString(), stored.expert().SerializeAsString());
}

TEST_F(AccessRulesTest, RedactingAFacetAboveTheCallersTierIsRefused) {
  const std::optional<std::string>& editor = env->bearers.at("editor_public");
  const std::string id = Unique("redacted");
  v1::PutProjectRequest put;
  *put.mutable_project() = ThreeFacetProject(id, "redacted");
  v1::PutProjectResponse put_response;
  ASSERT_TRUE(env->stubs->contribute->PutProject(Context(env->admin).get(), put, &put_response).ok());
  for (v1::Tier tier : {v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    SCOPED_TRACE(v1::Tier_Name(tier));
    v1::RedactHistoryRequest request;
    request.set_id(id);
    request.set_tier(tier);
    v1::RedactHistoryResponse response;
    grpc::Status s = env->stubs->contribute->RedactHistory(Context(editor).get(), request, &response);
    EXPECT_EQ(CodeName(s.error_code()), "PERMISSION_DENIED") << Describe(s);
    EXPECT_THAT(s.error_message(), HasSubstr("RedactHistory of the"));
  }
  v1::RedactHistoryRequest request;
  request.set_id(id);
  request.set_tier(v1::TIER_PUBLIC);
  v1::RedactHistoryResponse response;
  grpc::Status s = env->stubs->contribute->RedactHistory(Context(editor).get(), request, &response);
  EXPECT_TRUE(s.ok()) << Describe(s);
  const v1::Project after = AsAdmin(id);
  EXPECT_TRUE(after.has_restricted());
  EXPECT_TRUE(after.has_expert());
}

// An import is held to the rules of PutProject and AddFeedback.
TEST_F(AccessRulesTest, AnImportObeysTheRulesOfTheSingleCalls) {
  const std::optional<std::string>& editor = env->bearers.at("editor_public");
  const std::string id = Unique("imported");
  const v1::Project full = ThreeFacetProject(id, "imported");
  v1::ImportResponse response;
  ASSERT_TRUE(ImportOne(env->stubs->contribute.get(), env->admin, full, &response).ok());
  const v1::Project stored = AsAdmin(id);

  // Its restricted facet set by a public editor: refused, naming the record.
  grpc::Status s = ImportOne(env->stubs->contribute.get(), editor, ThreeFacetProject(id, "other"), &response);
  EXPECT_EQ(CodeName(s.error_code()), "PERMISSION_DENIED") << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("record 1 (id " + id + "): restricted"));
  // Feedback from a public editor: refused as AddFeedback refuses it.
  v1::ImportRequest with_feedback;
  v1::Feedback* feedback = with_feedback.add_feedback();
  feedback->set_project_id(id);
  feedback->set_kind(v1::FEEDBACK_KIND_LESSON);
  feedback->set_text("Glissé dans un import.");
  with_feedback.set_last(true);
  s = StreamImport(env->stubs->contribute.get(), editor, {with_feedback}, &response);
  EXPECT_EQ(CodeName(s.error_code()), "PERMISSION_DENIED") << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("AddFeedback"));
  // Its public facet alone: merged as a put, the other facets kept.
  v1::Project public_only;
  *public_only.mutable_public_() = full.public_();
  public_only.mutable_public_()->set_title_en("Leak detection, imported again");
  s = ImportOne(env->stubs->contribute.get(), editor, public_only, &response);
  ASSERT_TRUE(s.ok()) << Describe(s);
  const v1::Project after = AsAdmin(id);
  EXPECT_EQ(after.public_().title_en(), "Leak detection, imported again");
  EXPECT_EQ(after.restricted().SerializeAsString(), stored.restricted().SerializeAsString());
  EXPECT_EQ(after.expert().SerializeAsString(), stored.expert().SerializeAsString());
  v1::ListFeedbackRequest list;
  list.set_project_id(id);
  v1::ListFeedbackResponse listed;
  ASSERT_TRUE(env->stubs->catalog->ListFeedback(Context(env->admin).get(), list, &listed).ok());
  EXPECT_EQ(listed.feedback_size(), 0);
}

// Fields the node's schema does not know are refused on every write, named.
TEST_F(AccessRulesTest, UnknownFieldsAreRefusedOnEveryWrite) {
  const std::string id = Unique("unknown");
  v1::Project project = ThreeFacetProject(id);
  UnknownFieldsOf(project.mutable_public_())->AddLengthDelimited(99, std::string(4096, 'x'));
  v1::PutProjectRequest put;
  *put.mutable_project() = project;
  v1::PutProjectResponse put_response;
  grpc::Status s = env->stubs->contribute->PutProject(Context(env->admin).get(), put, &put_response);
  EXPECT_EQ(CodeName(s.error_code()), "INVALID_ARGUMENT") << Describe(s);
  EXPECT_EQ(s.error_message(), "public.field 99: unknown field");
  v1::ImportResponse imported;
  s = ImportOne(env->stubs->contribute.get(), env->admin, project, &imported);
  EXPECT_EQ(CodeName(s.error_code()), "INVALID_ARGUMENT") << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("public.field 99: unknown field"));
  EXPECT_FALSE(Exists(id));

  const int before = FeedbackCount();
  v1::AddFeedbackRequest add;
  add.mutable_feedback()->set_project_id(kFixtureId);
  add.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_LESSON);
  add.mutable_feedback()->set_text("Avec un champ inconnu.");
  UnknownFieldsOf(add.mutable_feedback())->AddVarint(77, 1);
  v1::AddFeedbackResponse added;
  s = env->stubs->contribute->AddFeedback(Context(env->admin).get(), add, &added);
  EXPECT_EQ(CodeName(s.error_code()), "INVALID_ARGUMENT") << Describe(s);
  EXPECT_EQ(s.error_message(), "feedback.field 77: unknown field");
  v1::ImportRequest batch;
  *batch.add_feedback() = add.feedback();
  batch.set_last(true);
  s = StreamImport(env->stubs->contribute.get(), env->admin, {batch}, &imported);
  EXPECT_EQ(CodeName(s.error_code()), "INVALID_ARGUMENT") << Describe(s);
  EXPECT_EQ(FeedbackCount(), before);
}

// A project over its size cap is refused naming the limit.
TEST_F(AccessRulesTest, AnOversizedProjectIsRefusedNamingTheLimit) {
  const std::string id = Unique("oversized");
  v1::Project project = ThreeFacetProject(id);
  std::string wide;
  for (int i = 0; i < 20000; ++i) wide += "\U0001F30A";  // 4 bytes a character
  project.mutable_public_()->set_summary_fr(wide);
  project.mutable_public_()->set_summary_en(wide);
  v1::PutProjectRequest put;
  *put.mutable_project() = project;
  v1::PutProjectResponse response;
  grpc::Status s = env->stubs->contribute->PutProject(Context(env->admin).get(), put, &response);
  EXPECT_EQ(CodeName(s.error_code()), "INVALID_ARGUMENT") << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("public: "));
  EXPECT_THAT(s.error_message(), HasSubstr("at most 131072"));
  EXPECT_FALSE(Exists(id));
}

// ListFeedback pages through a real node: default 50, then the rest.
TEST_F(AccessRulesTest, ListFeedbackPagesThroughEverything) {
  const std::string id = Unique("paged");
  v1::ImportRequest batch;
  *batch.add_projects() = ThreeFacetProject(id);
  for (int i = 0; i < 60; ++i) {
    v1::Feedback* f = batch.add_feedback();
    f->set_project_id(id);
    f->set_kind(v1::FEEDBACK_KIND_LESSON);
    f->set_text("Retour " + std::to_string(i));
  }
  batch.set_last(true);
  v1::ImportResponse imported;
  grpc::Status s = StreamImport(env->stubs->contribute.get(), env->admin, {batch}, &imported);
  ASSERT_TRUE(s.ok()) << Describe(s);
  v1::ListFeedbackRequest request;
  request.set_project_id(id);
  std::vector<int> sizes;
  std::vector<std::string> texts;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListFeedbackResponse page;
    s = env->stubs->catalog->ListFeedback(Context(env->bearers.at("reader_restricted")).get(), request, &page);
    ASSERT_TRUE(s.ok()) << Describe(s);
    sizes.push_back(page.feedback_size());
    for (const v1::Feedback& f : page.feedback()) texts.push_back(f.text());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(sizes, ::testing::ElementsAre(50, 10));
  ASSERT_EQ(texts.size(), 60u);
  for (int i = 0; i < 60; ++i) EXPECT_EQ(texts[i], "Retour " + std::to_string(i));
}

// Imports in flight share one memory budget (--max-import-mib): an import
// that finds it full is refused with RESOURCE_EXHAUSTED, to retry; once the
// other ends, it goes through.
class AccessImportBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = dir_.path() + "/a";
    ASSERT_EQ(InitNodeDir(dir, kNodeId), "");
    node_ = std::make_unique<NodeProcess>(
        dir, std::vector<std::string>{"--anonymous-rate", "0", "--max-import-mib", "1"}, kNodeId);
    ASSERT_TRUE(node_->Start()) << node_->log();
    stubs_ = std::make_unique<Stubs>(TlsChannel(node_->address(), ReadTextFile(node_->certificate_file())));
    admin_ = Bearer(node_->IssueToken("expert", "admin"));
    ASSERT_TRUE(admin_.has_value());
  }

  // A message of `n` projects of ~80 kB each (a public summary of 20,000
  // four-byte characters), ids from `prefix`.
  static v1::ImportRequest BigBatch(const std::string& prefix, int n) {
    std::string wide;
    for (int i = 0; i < 20000; ++i) wide += "\U0001F30A";
    v1::ImportRequest batch;
    for (int i = 0; i < n; ++i) {
      v1::Project* p = batch.add_projects();
      *p = ThreeFacetProject(prefix + "-" + std::to_string(i));
      p->mutable_public_()->set_summary_fr(wide);
    }
    return batch;
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Stubs> stubs_;
  std::optional<std::string> admin_;
};

TEST_F(AccessImportBudgetTest, ConcurrentImportsShareOneBudget) {
  const v1::ImportRequest first_part = BigBatch("first", 8);  // ~640 kB of the 1 MiB
  ASSERT_GT(first_part.ByteSizeLong(), size_t{600} << 10);
  v1::ImportResponse first_response;
  auto first_context = Context(admin_, 60);
  auto first = stubs_->contribute->Import(first_context.get(), &first_response);
  ASSERT_TRUE(first->Write(first_part));
  // The node reads the message as it arrives; give it time to take its share.
  std::this_thread::sleep_for(std::chrono::seconds(1));

  v1::ImportRequest second_batch = BigBatch("second", 8);
  second_batch.set_last(true);
  v1::ImportResponse second_response;
  grpc::Status s = StreamImport(stubs_->contribute.get(), admin_, {second_batch}, &second_response);
  EXPECT_EQ(CodeName(s.error_code()), "RESOURCE_EXHAUSTED") << Describe(s);
  EXPECT_THAT(s.error_message(), HasSubstr("retry later"));

  v1::ImportRequest last;
  last.set_last(true);
  ASSERT_TRUE(first->Write(last));
  ASSERT_TRUE(first->WritesDone());
  grpc::Status f = first->Finish();
  ASSERT_TRUE(f.ok()) << Describe(f);
  EXPECT_EQ(first_response.imported(), 8);

  // The first import ended: its share is back, the second goes through.
  s = StreamImport(stubs_->contribute.get(), admin_, {second_batch}, &second_response);
  EXPECT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(second_response.imported(), 8);
}

// Revocations, the roster and the audit survive a restart; a roster change
// applies at once to the tokens and certificates of the nodes it names.
class AccessRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto op = MakeOperator(dir_.path());
    ASSERT_TRUE(op.ok()) << op.status();
    op_ = *op;
    a_dir_ = dir_.path() + "/a";
    b_dir_ = dir_.path() + "/b";
    ASSERT_EQ(InitNodeDir(a_dir_, kNodeId, op_->public_key_file), "");
    ASSERT_EQ(InitNodeDir(b_dir_, kPeerId), "");
    node_ = std::make_unique<NodeProcess>(a_dir_, std::vector<std::string>{"--anonymous-rate", "0"}, kNodeId);
    ASSERT_TRUE(node_->Start()) << node_->log();
    Connect();
    admin_ = Bearer(node_->IssueToken("expert", "admin"));
    peer_ = Bearer(IssueCliToken(b_dir_, "bob@node-b", "expert", "editor"));
    ASSERT_TRUE(admin_ && peer_);
    auto a = NodeIdentityOf(a_dir_);
    auto b = NodeIdentityOf(b_dir_);
    ASSERT_TRUE(a.ok() && b.ok());
    a_member_ = MemberOf(*a, v1::TIER_EXPERT);
    b_member_ = MemberOf(*b, v1::TIER_RESTRICTED);
    v1::PutProjectRequest put;
    *put.mutable_project() = ThreeFacetProject(kFixtureId);
    v1::PutProjectResponse put_response;
    grpc::Status s = stubs_->contribute->PutProject(Context(admin_).get(), put, &put_response);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }

  void Connect() {
    stubs_ = std::make_unique<Stubs>(TlsChannel(node_->address(), ReadTextFile(node_->certificate_file())));
  }

  grpc::Status Install(std::vector<v1::RosterMember> members, uint64_t version) {
    v1::InstallRosterRequest request;
    *request.mutable_roster() = SignedRosterOf(members, version, op_->key);
    v1::InstallRosterResponse response;
    return stubs_->admin->InstallRoster(Context(admin_).get(), request, &response);
  }

  grpc::Status ListFeedback(const std::optional<std::string>& bearer) {
    v1::ListFeedbackRequest request;
    request.set_project_id(kFixtureId);
    v1::ListFeedbackResponse response;
    return stubs_->catalog->ListFeedback(Context(bearer).get(), request, &response);
  }

  grpc::Status Stats(const std::optional<std::string>& bearer) {
    v1::StatsResponse response;
    return stubs_->catalog->Stats(Context(bearer).get(), {}, &response);
  }

  TempDir dir_;
  std::optional<Operator> op_;
  std::string a_dir_, b_dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Stubs> stubs_;
  std::optional<std::string> admin_, peer_;
  v1::RosterMember a_member_, b_member_;
};

TEST_F(AccessRestartTest, RevocationsRosterAndAuditSurviveARestart) {
  v1::IssueTokenRequest issue;
  issue.set_subject("carol@node-a");
  issue.set_tier(v1::TIER_EXPERT);
  issue.set_role(v1::ROLE_READER);
  v1::IssueTokenResponse issued;
  grpc::Status s = stubs_->admin->IssueToken(Context(admin_).get(), issue, &issued);
  ASSERT_TRUE(s.ok()) << Describe(s);
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(issued.claims().token_id());
  v1::RevokeTokenResponse revoked;
  s = stubs_->admin->RevokeToken(Context(admin_).get(), revoke, &revoked);
  ASSERT_TRUE(s.ok()) << Describe(s);
  // An offline token (bibia-node token issue) revoked by its id.
  const std::string offline = node_->IssueToken("expert", "reader");
  auto parsed = access::ParseToken(offline);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  revoke.set_token_id(parsed->claims.token_id());
  s = stubs_->admin->RevokeToken(Context(admin_).get(), revoke, &revoked);
  ASSERT_TRUE(s.ok()) << Describe(s);
  ASSERT_TRUE(Install({a_member_, b_member_}, 7).ok());
  ASSERT_TRUE(ListFeedback(peer_).ok());

  // Close the channel first: a connected idle client holds a node's graceful
  // stop until its 5 s deadline.
  stubs_.reset();
  ASSERT_EQ(node_->Stop(), 0) << node_->log();
  ASSERT_TRUE(node_->Start()) << node_->log();
  Connect();

  EXPECT_EQ(CodeName(Stats(Bearer(issued.token())).error_code()), "UNAUTHENTICATED");
  EXPECT_EQ(CodeName(Stats(Bearer(offline)).error_code()), "UNAUTHENTICATED");
  EXPECT_TRUE(Stats(admin_).ok());
  s = ListFeedback(peer_);
  EXPECT_TRUE(s.ok()) << "the roster must survive the restart: " << Describe(s);
  v1::GetRosterResponse roster;
  s = stubs_->admin->GetRoster(Context(admin_).get(), {}, &roster);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(roster.decoded().version(), 7u);
  EXPECT_EQ(CodeName(Install({a_member_, b_member_}, 6).error_code()), "FAILED_PRECONDITION");

  v1::ListTokensResponse tokens;
  s = stubs_->admin->ListTokens(Context(admin_).get(), {}, &tokens);
  ASSERT_TRUE(s.ok()) << Describe(s);
  int revoked_listed = 0;
  for (const auto& t : tokens.tokens()) {
    if (t.claims().token_id() == issued.claims().token_id() || t.claims().token_id() == parsed->claims.token_id()) {
      EXPECT_TRUE(t.revoked()) << t.ShortDebugString();
      revoked_listed++;
    }
  }
  EXPECT_EQ(revoked_listed, 2) << tokens.ShortDebugString();

  v1::ListAuditRequest audit_request;
  audit_request.set_method("RevokeToken");
  v1::ListAuditResponse audit;
  s = stubs_->admin->ListAudit(Context(admin_).get(), audit_request, &audit);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(audit.events_size(), 2) << audit.ShortDebugString();
}

TEST_F(AccessRestartTest, RosterChangesApplyAtOnce) {
  ASSERT_TRUE(Install({a_member_, b_member_}, 1).ok());
  EXPECT_TRUE(ListFeedback(peer_).ok());
  // node-b lowered to public: its token now reads public only.
  v1::RosterMember b_public = b_member_;
  b_public.set_max_tier(v1::TIER_PUBLIC);
  ASSERT_TRUE(Install({a_member_, b_public}, 2).ok());
  EXPECT_EQ(CodeName(ListFeedback(peer_).error_code()), "PERMISSION_DENIED");
  v1::GetProjectRequest get;
  get.set_id(kFixtureId);
  v1::GetProjectResponse got;
  grpc::Status s = stubs_->catalog->GetProject(Context(peer_).get(), get, &got);
  ASSERT_TRUE(s.ok()) << Describe(s);
  EXPECT_EQ(v1::Tier_Name(got.tier()), "TIER_PUBLIC");
  EXPECT_FALSE(got.project().has_restricted());
  // node-b removed: its token is nobody's.
  ASSERT_TRUE(Install({a_member_}, 3).ok());
  EXPECT_EQ(CodeName(Stats(peer_).error_code()), "UNAUTHENTICATED");
  EXPECT_TRUE(Stats(admin_).ok());
}

}  // namespace
}  // namespace bibia::testing
