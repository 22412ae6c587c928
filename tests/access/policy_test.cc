// The policy rules as pure functions: who may call what, what is audited, and
// what each tier sees of a project.
#include "access/policy.h"

#include <string>

#include "gtest/gtest.h"

namespace bibia::access {
namespace {

constexpr char kNode[] = "nantes";

Caller Anonymous() { return Caller(); }

Caller Token(const std::string& issuer, v1::Tier tier, v1::Role role) {
  Caller c;
  c.kind = Caller::Kind::kToken;
  c.subject = "alice@" + issuer;
  c.issuer = issuer;
  c.tier = tier;
  c.role = role;
  return c;
}

Caller Peer(v1::Tier tier) {
  Caller c;
  c.kind = Caller::Kind::kPeer;
  c.subject = "rennes";
  c.tier = tier;
  return c;
}

absl::StatusCode Code(const Caller& caller, Operation op) { return Authorize(caller, op, kNode).code(); }

TEST(PolicyTest, AnonymousReadsThePublicTierOnly) {
  EXPECT_EQ(Code(Anonymous(), Operation::kSearch), absl::StatusCode::kOk);
  EXPECT_EQ(Code(Anonymous(), Operation::kGetProject), absl::StatusCode::kOk);
  EXPECT_EQ(Code(Anonymous(), Operation::kListFeedback), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Code(Anonymous(), Operation::kPutProject), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Code(Anonymous(), Operation::kSync), absl::StatusCode::kUnauthenticated);
}

TEST(PolicyTest, FeedbackNeedsTheRestrictedTier) {
  EXPECT_EQ(Code(Token("lyon", v1::TIER_PUBLIC, v1::ROLE_ADMIN), Operation::kListFeedback),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Code(Token("lyon", v1::TIER_RESTRICTED, v1::ROLE_READER), Operation::kListFeedback),
            absl::StatusCode::kOk);
}

TEST(PolicyTest, WritesNeedAnEditorTokenOfThisVeryNode) {
  EXPECT_EQ(Code(Token(kNode, v1::TIER_PUBLIC, v1::ROLE_EDITOR), Operation::kPutProject), absl::StatusCode::kOk);
  EXPECT_EQ(Code(Token(kNode, v1::TIER_EXPERT, v1::ROLE_READER), Operation::kPutProject),
            absl::StatusCode::kPermissionDenied);
  // An admin of another node edits nothing here.
  absl::Status s = Authorize(Token("lyon", v1::TIER_EXPERT, v1::ROLE_ADMIN), Operation::kPutProject, kNode);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("not an identity of node 'nantes'"), std::string::npos) << s;
  // Feedback is restricted data: a public-tier editor cannot add it.
  EXPECT_EQ(Code(Token(kNode, v1::TIER_PUBLIC, v1::ROLE_EDITOR), Operation::kAddFeedback),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Code(Token(kNode, v1::TIER_RESTRICTED, v1::ROLE_EDITOR), Operation::kAddFeedback),
            absl::StatusCode::kOk);
}

TEST(PolicyTest, AdminOperationsNeedALocalAdmin) {
  for (Operation op : {Operation::kIssueToken, Operation::kRevokeToken, Operation::kInstallRoster,
                       Operation::kAddPeer, Operation::kSyncNow, Operation::kListAudit}) {
    EXPECT_EQ(Code(Token(kNode, v1::TIER_PUBLIC, v1::ROLE_ADMIN), op), absl::StatusCode::kOk) << OperationName(op);
    EXPECT_EQ(Code(Token(kNode, v1::TIER_EXPERT, v1::ROLE_EDITOR), op), absl::StatusCode::kPermissionDenied)
        << OperationName(op);
    EXPECT_EQ(Code(Token("lyon", v1::TIER_EXPERT, v1::ROLE_ADMIN), op), absl::StatusCode::kPermissionDenied)
        << OperationName(op);
  }
}

TEST(PolicyTest, ReplicationIsForRosterNodesOnly) {
  EXPECT_EQ(Code(Peer(v1::TIER_PUBLIC), Operation::kSync), absl::StatusCode::kOk);
  EXPECT_EQ(Code(Peer(v1::TIER_PUBLIC), Operation::kSubscribe), absl::StatusCode::kOk);
  // Even a local admin token is not a node.
  EXPECT_EQ(Code(Token(kNode, v1::TIER_EXPERT, v1::ROLE_ADMIN), Operation::kSync),
            absl::StatusCode::kPermissionDenied);
  // A peer is a reader: it writes nothing through the API.
  EXPECT_EQ(Code(Peer(v1::TIER_EXPERT), Operation::kPutProject), absl::StatusCode::kPermissionDenied);
}

TEST(PolicyTest, EveryOperationHasANameAndARule) {
  for (Operation op : kAllOperations) {
    EXPECT_STRNE(OperationName(op), "?");
    const Requirement need = RequirementOf(op);
    EXPECT_NE(need.tier, v1::TIER_UNSPECIFIED) << OperationName(op);
    EXPECT_NE(need.role, v1::ROLE_UNSPECIFIED) << OperationName(op);
    // No rule lets an anonymous caller write or administer.
    if (need.role > v1::ROLE_READER) {
      EXPECT_FALSE(Authorize(Anonymous(), op, kNode).ok()) << OperationName(op);
    }
  }
}

TEST(PolicyTest, AuditCoversWritesAndNonPublicReads) {
  EXPECT_TRUE(ShouldAudit(Token(kNode, v1::TIER_PUBLIC, v1::ROLE_EDITOR), Operation::kPutProject));
  EXPECT_TRUE(ShouldAudit(Token("lyon", v1::TIER_RESTRICTED, v1::ROLE_READER), Operation::kListFeedback));
  EXPECT_TRUE(ShouldAudit(Token("lyon", v1::TIER_RESTRICTED, v1::ROLE_READER), Operation::kGetProject));
  EXPECT_FALSE(ShouldAudit(Anonymous(), Operation::kGetProject));
  EXPECT_FALSE(ShouldAudit(Anonymous(), Operation::kSearch));
  EXPECT_FALSE(ShouldAudit(Peer(v1::TIER_EXPERT), Operation::kSync));
}

TEST(PolicyTest, ProjectionKeepsWhatTheTierMaySee) {
  v1::Project full;
  full.mutable_public_()->set_id("p1");
  full.mutable_restricted()->set_procurement_notes("marché public");
  full.mutable_expert()->set_source_repository("https://example.org/repo");

  v1::Project p = full;
  ProjectTo(v1::TIER_PUBLIC, &p);
  EXPECT_TRUE(p.has_public_());
  EXPECT_FALSE(p.has_restricted());
  EXPECT_FALSE(p.has_expert());

  p = full;
  ProjectTo(v1::TIER_RESTRICTED, &p);
  EXPECT_TRUE(p.has_restricted());
  EXPECT_FALSE(p.has_expert());

  p = full;
  ProjectTo(v1::TIER_EXPERT, &p);
  EXPECT_EQ(p.SerializeAsString(), full.SerializeAsString());
}

// An editor writes the facets its tier reads: the store is handed that mask
// and keeps the others as they are.
TEST(PolicyTest, AnEditorWritesTheFacetsItsTierReads) {
  EXPECT_EQ(WritableFacets(Token(kNode, v1::TIER_PUBLIC, v1::ROLE_EDITOR)), catalog::kPublicFacet);
  EXPECT_EQ(WritableFacets(Token(kNode, v1::TIER_RESTRICTED, v1::ROLE_EDITOR)),
            catalog::kPublicFacet | catalog::kRestrictedFacet);
  EXPECT_EQ(WritableFacets(Token(kNode, v1::TIER_EXPERT, v1::ROLE_ADMIN)), catalog::kAllFacets);
}

TEST(PolicyTest, SettingAFacetAboveTheCallersTierIsRefusedNamingIt) {
  v1::Project full;
  full.mutable_public_()->set_id("p1");
  full.mutable_restricted()->set_procurement_notes("marché public");
  full.mutable_expert()->set_source_repository("https://example.org/repo");
  v1::Project public_only;
  *public_only.mutable_public_() = full.public_();

  const Caller public_editor = Token(kNode, v1::TIER_PUBLIC, v1::ROLE_EDITOR);
  EXPECT_TRUE(AuthorizeProjectFacets(public_editor, Operation::kPutProject, public_only).ok());
  absl::Status s = AuthorizeProjectFacets(public_editor, Operation::kPutProject, full);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message().rfind("restricted: PutProject of the restricted facet needs tier restricted", 0), 0u) << s;
  EXPECT_NE(s.message().find("has tier public"), std::string::npos) << s;

  v1::Project to_expert = full;
  to_expert.clear_restricted();
  s = AuthorizeProjectFacets(Token(kNode, v1::TIER_RESTRICTED, v1::ROLE_EDITOR), Operation::kPutProject, to_expert);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message().rfind("expert: ", 0), 0u) << s;
  const Caller expert_editor = Token(kNode, v1::TIER_EXPERT, v1::ROLE_EDITOR);
  EXPECT_TRUE(AuthorizeProjectFacets(expert_editor, Operation::kPutProject, full).ok());
}

TEST(PolicyTest, RedactingAFacetNeedsItsTier) {
  const Caller public_editor = Token(kNode, v1::TIER_PUBLIC, v1::ROLE_EDITOR);
  EXPECT_TRUE(AuthorizeFacet(public_editor, Operation::kRedactHistory, v1::TIER_PUBLIC).ok());
  for (v1::Tier tier : {v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    absl::Status s = AuthorizeFacet(public_editor, Operation::kRedactHistory, tier);
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << tier;
    EXPECT_NE(s.message().find("RedactHistory of the " + TierName(tier) + " facet"), std::string::npos) << s;
  }
  EXPECT_TRUE(
      AuthorizeFacet(Token(kNode, v1::TIER_EXPERT, v1::ROLE_EDITOR), Operation::kRedactHistory, v1::TIER_EXPERT).ok());
  // Not a facet: the store says what is wrong with it.
  EXPECT_TRUE(AuthorizeFacet(public_editor, Operation::kRedactHistory, v1::TIER_UNSPECIFIED).ok());
}

// An import is held to the rules of the calls it stands for.
TEST(PolicyTest, AnImportObeysTheRulesOfPutProjectAndAddFeedback) {
  const Caller public_editor = Token(kNode, v1::TIER_PUBLIC, v1::ROLE_EDITOR);
  const Caller restricted_editor = Token(kNode, v1::TIER_RESTRICTED, v1::ROLE_EDITOR);
  v1::ImportRequest projects;
  projects.add_projects()->mutable_public_()->set_id("p1");
  v1::Project* second = projects.add_projects();
  second->mutable_public_()->set_id("p2");
  second->mutable_restricted()->set_procurement_notes("marché");
  absl::Status s = AuthorizeImportBatch(public_editor, projects, 5, kNode);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message().rfind("record 7 (id p2): restricted: ", 0), 0u) << s;
  EXPECT_TRUE(AuthorizeImportBatch(restricted_editor, projects, 5, kNode).ok());

  v1::ImportRequest feedback;
  feedback.add_feedback()->set_project_id("p1");
  s = AuthorizeImportBatch(public_editor, feedback, 0, kNode);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("AddFeedback needs"), std::string::npos) << s;
  EXPECT_TRUE(AuthorizeImportBatch(restricted_editor, feedback, 0, kNode).ok());
  // Feedback through another node's token is refused as AddFeedback is.
  EXPECT_EQ(AuthorizeImportBatch(Token("lyon", v1::TIER_EXPERT, v1::ROLE_EDITOR), feedback, 0, kNode).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace bibia::access

namespace bibia::access {
namespace {

TEST(PolicyArtifactsTest, ArtifactsNeedExpertTierAndPushesALocalEditor) {
  for (Operation op : {Operation::kArtifactRead, Operation::kArtifactWrite}) {
    EXPECT_FALSE(Authorize(Caller{}, op, "nantes").ok()) << OperationName(op);
  }
  Caller restricted;
  restricted.kind = Caller::Kind::kToken;
  restricted.issuer = "nantes";
  restricted.tier = v1::TIER_RESTRICTED;
  restricted.role = v1::ROLE_ADMIN;
  EXPECT_EQ(Authorize(restricted, Operation::kArtifactRead, "nantes").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(restricted, Operation::kArtifactWrite, "nantes").code(), absl::StatusCode::kPermissionDenied);
  Caller expert_reader = restricted;
  expert_reader.tier = v1::TIER_EXPERT;
  expert_reader.role = v1::ROLE_READER;
  expert_reader.issuer = "lyon";
  EXPECT_TRUE(Authorize(expert_reader, Operation::kArtifactRead, "nantes").ok());
  EXPECT_EQ(Authorize(expert_reader, Operation::kArtifactWrite, "nantes").code(), absl::StatusCode::kPermissionDenied);
  Caller editor_elsewhere = expert_reader;
  editor_elsewhere.role = v1::ROLE_EDITOR;
  EXPECT_EQ(Authorize(editor_elsewhere, Operation::kArtifactWrite, "nantes").code(),
            absl::StatusCode::kPermissionDenied);
  editor_elsewhere.issuer = "nantes";
  EXPECT_TRUE(Authorize(editor_elsewhere, Operation::kArtifactWrite, "nantes").ok());
}

TEST(PolicyArtifactsTest, ChunksGoToPeersOfExpertRosterTierOnly) {
  EXPECT_TRUE(Authorize(Peer(v1::TIER_EXPERT), Operation::kFetchChunks, kNode).ok());
  EXPECT_EQ(Code(Peer(v1::TIER_RESTRICTED), Operation::kFetchChunks), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Code(Peer(v1::TIER_PUBLIC), Operation::kFetchChunks), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Code(Anonymous(), Operation::kFetchChunks), absl::StatusCode::kUnauthenticated);
  // A person's token, even an expert admin's, is not a node.
  EXPECT_EQ(Code(Token(kNode, v1::TIER_EXPERT, v1::ROLE_ADMIN), Operation::kFetchChunks),
            absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(ShouldAudit(Peer(v1::TIER_EXPERT), Operation::kFetchChunks));
}

}  // namespace
}  // namespace bibia::access
