// The policy point over a real node directory and store: tokens it issues
// identify their subject until they expire or are revoked, revocations kept
// as settings by older versions are carried over at start, a roster member's
// tokens are capped at its roster tier, and bad tokens count against the
// anonymous rate.
#include "access/access_control.h"

#include <atomic>
#include <memory>
#include <string>

#include "access/node_files.h"
#include "access/roster.h"
#include "access/signing.h"
#include "access/token.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "gtest/gtest.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::access {
namespace {

constexpr int64_t kStartMs = 1'800'000'000'000;

class ManualClock : public catalog::Clock {
 public:
  int64_t NowMillis() override { return now_.load(); }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  std::atomic<int64_t> now_{kStartMs};
};

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto op = SigningKey::Generate();
    ASSERT_TRUE(op.ok());
    operator_key_ = std::make_unique<SigningKey>(*op);
    auto pem = PublicKeyToPem(operator_key_->PublicKey());
    ASSERT_TRUE(pem.ok());
    const std::string operator_file = temp_.path() + "/operator.pub";
    ASSERT_TRUE(WriteNewFile(operator_file, *pem, 0644).ok());
    const std::string dir = temp_.path() + "/nantes";
    InitOptions init;
    init.node_id = "nantes";
    init.collectivity = "Nantes Métropole";
    init.operator_public_key_file = operator_file;
    ASSERT_TRUE(InitNodeDirectory(dir, init).ok());
    auto files = LoadNodeFiles(dir);
    ASSERT_TRUE(files.ok()) << files.status();
    files_ = std::make_unique<NodeFiles>(std::move(*files));
    catalog::Store::Options options;
    options.node_id = "nantes";
    options.clock = &clock_;
    auto store = catalog::Store::Open(files_->db_dir, options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    Restart();
  }

  // A new policy point over the same files and store, as after a restart.
  void Restart(AccessControl::Options options = AccessControl::Options()) {
    access_.reset();
    auto created = AccessControl::Create(options, files_.get(), store_.get(), &clock_);
    ASSERT_TRUE(created.ok()) << created.status();
    access_ = std::move(*created);
  }

  Caller LocalAdmin() {
    Caller admin;
    admin.kind = Caller::Kind::kToken;
    admin.subject = "admin@nantes";
    admin.issuer = "nantes";
    admin.tier = v1::TIER_EXPERT;
    admin.role = v1::ROLE_ADMIN;
    return admin;
  }

  v1::IssueTokenResponse Issue(v1::Tier tier, v1::Role role, int64_t ttl_seconds = 3600) {
    v1::IssueTokenRequest request;
    request.set_subject("alice@nantes");
    request.set_tier(tier);
    request.set_role(role);
    request.set_ttl_seconds(ttl_seconds);
    auto issued = access_->IssueToken(request, LocalAdmin());
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? *issued : v1::IssueTokenResponse();
  }

  absl::StatusOr<Caller> IdentifyBearer(const std::string& token, const std::string& address = "ipv4:10.0.0.1:4000") {
    AccessControl::Credentials credentials;
    credentials.address = address;
    credentials.bearer = "Bearer " + token;
    return access_->Identify(credentials);
  }

  catalog::ScopedTempDir temp_;
  ManualClock clock_;
  std::unique_ptr<SigningKey> operator_key_;
  std::unique_ptr<NodeFiles> files_;
  std::unique_ptr<catalog::Store> store_;
  std::unique_ptr<AccessControl> access_;
};

TEST_F(AccessControlTest, IssuedTokenIdentifiesItsSubjectUntilItExpires) {
  const v1::IssueTokenResponse issued = Issue(v1::TIER_RESTRICTED, v1::ROLE_EDITOR, 3600);
  auto caller = IdentifyBearer(issued.token());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->kind, Caller::Kind::kToken);
  EXPECT_EQ(caller->subject, "alice@nantes");
  EXPECT_EQ(caller->issuer, "nantes");
  EXPECT_EQ(caller->token_id, issued.claims().token_id());
  EXPECT_EQ(caller->tier, v1::TIER_RESTRICTED);
  EXPECT_EQ(caller->role, v1::ROLE_EDITOR);

  clock_.Advance(3600 * 1000);
  caller = IdentifyBearer(issued.token());
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(caller.status().message().find("expired"), std::string::npos) << caller.status();
}

TEST_F(AccessControlTest, AnAdminCannotIssueAboveItsOwnTier) {
  v1::IssueTokenRequest request;
  request.set_subject("bob@nantes");
  request.set_tier(v1::TIER_EXPERT);
  request.set_role(v1::ROLE_READER);
  Caller admin = LocalAdmin();
  admin.tier = v1::TIER_RESTRICTED;
  auto issued = access_->IssueToken(request, admin);
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(issued.status().message().find("tier"), std::string::npos) << issued.status();
}

// A subject that is not UTF-8 made a token no node could read back.
TEST_F(AccessControlTest, ASubjectMustBeUtf8) {
  v1::IssueTokenRequest request;
  request.set_subject("bob\xff");
  request.set_tier(v1::TIER_PUBLIC);
  request.set_role(v1::ROLE_READER);
  auto issued = access_->IssueToken(request, LocalAdmin());
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(issued.status().message().find("subject: invalid UTF-8 at byte 3"), std::string::npos) << issued.status();
  EXPECT_FALSE(ValidateTokenRequest("bob\xff", v1::TIER_PUBLIC, v1::ROLE_READER, 60).ok());  // bibia-node token issue
}

TEST_F(AccessControlTest, RevokedTokenIsRefusedListedAndInThePublicLog) {
  const v1::IssueTokenResponse issued = Issue(v1::TIER_EXPERT, v1::ROLE_READER);
  const std::string& id = issued.claims().token_id();
  ASSERT_TRUE(IdentifyBearer(issued.token()).ok());  // verified once: the cache must not outlive a revocation

  ASSERT_TRUE(access_->RevokeToken(id).ok());
  ASSERT_TRUE(access_->RevokeToken(id).ok());  // idempotent
  auto caller = IdentifyBearer(issued.token());
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(caller.status().message().find("revoked"), std::string::npos) << caller.status();

  auto listed = access_->ListTokens();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->tokens_size(), 1);
  EXPECT_EQ(listed->tokens(0).claims().token_id(), id);
  EXPECT_TRUE(listed->tokens(0).revoked());

  // One entry in this node's public log, so that peers learn it.
  auto log = store_->ReadLog("nantes", v1::TIER_PUBLIC, 0, 100);
  ASSERT_TRUE(log.ok());
  int revocations = 0;
  for (const v1::LogEntry& e : *log) revocations += e.key() == catalog::RevocationKey("nantes", id);
  EXPECT_EQ(revocations, 1);

  EXPECT_EQ(access_->RevokeToken("not-a-token-id").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AccessControlTest, RevocationsKeptAsSettingsByOlderVersionsAreCarriedOver) {
  const v1::IssueTokenResponse issued = Issue(v1::TIER_PUBLIC, v1::ROLE_READER);
  const std::string& id = issued.claims().token_id();
  ASSERT_TRUE(IdentifyBearer(issued.token()).ok());
  // How a node of the previous version recorded a revocation.
  ASSERT_TRUE(store_->PutSetting("revoked/" + id, "").ok());

  Restart();
  EXPECT_EQ(IdentifyBearer(issued.token()).status().code(), absl::StatusCode::kUnauthenticated);
  auto revoked = store_->IsRevoked("nantes", id);
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(*revoked);
  auto legacy = store_->ScanSettings("revoked/");
  ASSERT_TRUE(legacy.ok());
  EXPECT_TRUE(legacy->empty());

  Restart();  // nothing left to carry over; the revocation stays
  EXPECT_EQ(IdentifyBearer(issued.token()).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AccessControlTest, TokensOfOtherNodesNeedTheRosterAndAreCappedAtTheirTier) {
  auto rennes_key = SigningKey::Generate();
  ASSERT_TRUE(rennes_key.ok());
  v1::Token claims = NewTokenClaims("rennes", "carol@rennes", v1::TIER_EXPERT, v1::ROLE_READER, 3600, kStartMs);
  const std::string token = EncodeToken(claims, *rennes_key);

  auto caller = IdentifyBearer(token);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(caller.status().message().find("'rennes' is neither this node nor in the roster"), std::string::npos)
      << caller.status();

  v1::Roster roster;
  roster.set_version(1);
  v1::RosterMember* self = roster.add_members();
  self->set_node_id("nantes");
  self->set_public_key(files_->key.PublicKey());
  self->set_max_tier(v1::TIER_EXPERT);
  // Certificates are not looked at here, but a roster must list one each.
  self->set_tls_certificate("nantes certificate (PEM)");
  self->set_tls_fingerprint(std::string(32, 'n'));
  v1::RosterMember* rennes = roster.add_members();
  rennes->set_node_id("rennes");
  rennes->set_public_key(rennes_key->PublicKey());
  rennes->set_max_tier(v1::TIER_PUBLIC);
  rennes->set_tls_certificate("rennes certificate (PEM)");
  rennes->set_tls_fingerprint(std::string(32, 'r'));
  auto installed = access_->InstallRoster(SignRoster(roster, *operator_key_));
  ASSERT_TRUE(installed.ok()) << installed.status();

  caller = IdentifyBearer(token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->issuer, "rennes");
  EXPECT_EQ(caller->tier, v1::TIER_PUBLIC);  // rennes may not grant more than it receives

  // A token naming rennes but signed by another key.
  auto impostor = SigningKey::Generate();
  ASSERT_TRUE(impostor.ok());
  EXPECT_EQ(IdentifyBearer(EncodeToken(claims, *impostor)).status().code(), absl::StatusCode::kUnauthenticated);

  // The installed roster again changes nothing (it only enforces the held
  // tier again); another roster of the same version is not newer.
  auto again = access_->InstallRoster(SignRoster(roster, *operator_key_));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->version, installed->version);
  v1::Roster same_version = roster;
  same_version.mutable_members(0)->set_collectivity("Autre nom");
  EXPECT_EQ(access_->InstallRoster(SignRoster(same_version, *operator_key_)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A roster signed by someone else is refused.
  roster.set_version(2);
  EXPECT_EQ(access_->InstallRoster(SignRoster(roster, *impostor)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// What this node may hold of other members follows its own roster entry.
TEST_F(AccessControlTest, HeldTierIsThisNodesRosterTierAndPublicWhenNotListed) {
  EXPECT_EQ(access_->HeldTier(), v1::TIER_EXPERT);  // no roster: a federation of one
  auto other_key = SigningKey::Generate();
  ASSERT_TRUE(other_key.ok());
  v1::Roster roster;
  const auto add = [&](const std::string& id, const std::string& key, v1::Tier tier) {
    v1::RosterMember* m = roster.add_members();
    m->set_node_id(id);
    m->set_public_key(key);
    m->set_max_tier(tier);
    m->set_tls_certificate(id + " certificate (PEM)");
    m->set_tls_fingerprint(std::string(32, id[0]));
  };
  roster.set_version(1);
  add("nantes", files_->key.PublicKey(), v1::TIER_RESTRICTED);
  add("rennes", other_key->PublicKey(), v1::TIER_EXPERT);
  auto installed = access_->InstallRoster(SignRoster(roster, *operator_key_));
  ASSERT_TRUE(installed.ok()) << installed.status();
  EXPECT_EQ(installed->held.tier, v1::TIER_RESTRICTED);
  EXPECT_EQ(access_->HeldTier(), v1::TIER_RESTRICTED);

  // Removed from the roster: public only.
  v1::Roster without = roster;
  without.set_version(2);
  without.mutable_members()->DeleteSubrange(0, 1);
  installed = access_->InstallRoster(SignRoster(without, *operator_key_));
  ASSERT_TRUE(installed.ok()) << installed.status();
  EXPECT_EQ(installed->held.tier, v1::TIER_PUBLIC);
  EXPECT_EQ(access_->HeldTier(), v1::TIER_PUBLIC);
}

TEST_F(AccessControlTest, BadTokensCountAgainstTheAnonymousRate) {
  AccessControl::Options options;
  options.anonymous_rate = 1;
  options.anonymous_burst = 2;
  Restart(options);
  EXPECT_EQ(IdentifyBearer("garbage", "ipv4:10.0.0.9:1").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(IdentifyBearer("garbage", "ipv4:10.0.0.9:2").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(IdentifyBearer("garbage", "ipv4:10.0.0.9:3").status().code(), absl::StatusCode::kResourceExhausted);
  // A valid token is not rate-limited.
  const v1::IssueTokenResponse issued = Issue(v1::TIER_PUBLIC, v1::ROLE_READER);
  EXPECT_TRUE(IdentifyBearer(issued.token(), "ipv4:10.0.0.9:4").ok());
}

}  // namespace
}  // namespace bibia::access
