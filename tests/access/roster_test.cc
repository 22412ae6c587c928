// The roster: signed by the operator, verified by nodes; a roster signed by
// another key, altered after signing, or inconsistent is refused, and the
// refusal names the member at fault.
#include "access/roster.h"

#include <optional>
#include <string>

#include "access/signing.h"
#include "gtest/gtest.h"

namespace bibia::access {
namespace {

class RosterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto op = SigningKey::Generate();
    auto a = SigningKey::Generate();
    auto b = SigningKey::Generate();
    ASSERT_TRUE(op.ok() && a.ok() && b.ok());
    operator_key_.emplace(*op);
    roster_.set_version(3);
    roster_.set_federation("Réseau test");
    AddMember("nantes", a->PublicKey(), v1::TIER_EXPERT);
    AddMember("rennes", b->PublicKey(), v1::TIER_PUBLIC);
  }
  void AddMember(const std::string& id, const std::string& key, v1::Tier tier) {
    v1::RosterMember* m = roster_.add_members();
    m->set_node_id(id);
    m->set_public_key(key);
    m->set_max_tier(tier);
    m->set_tls_certificate(id + " certificate (PEM)");
    m->set_tls_fingerprint(std::string(32, id[0]));
  }
  std::optional<SigningKey> operator_key_;
  v1::Roster roster_;
};

TEST_F(RosterTest, SignedRosterVerifiesWithTheOperatorKey) {
  ASSERT_TRUE(ValidateRoster(roster_).ok());
  auto verified = VerifyRoster(SignRoster(roster_, *operator_key_), operator_key_->PublicKey());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->version(), 3u);
  ASSERT_NE(FindMember(*verified, "rennes"), nullptr);
  EXPECT_EQ(FindMember(*verified, "rennes")->max_tier(), v1::TIER_PUBLIC);
  EXPECT_EQ(FindMember(*verified, "lyon"), nullptr);
}

TEST_F(RosterTest, AnotherKeyOrAlteredRosterIsUnauthenticated) {
  auto stranger = SigningKey::Generate();
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(VerifyRoster(SignRoster(roster_, *stranger), operator_key_->PublicKey()).status().code(),
            absl::StatusCode::kUnauthenticated);

  // A member raising its own tier after the operator signed.
  v1::SignedRoster signed_roster = SignRoster(roster_, *operator_key_);
  v1::Roster raised = roster_;
  raised.mutable_members(1)->set_max_tier(v1::TIER_EXPERT);
  signed_roster.set_roster(raised.SerializeAsString());
  EXPECT_EQ(VerifyRoster(signed_roster, operator_key_->PublicKey()).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(RosterTest, InconsistentRosterNamesTheMember) {
  v1::Roster duplicate = roster_;
  duplicate.mutable_members(1)->set_node_id("nantes");
  absl::Status s = ValidateRoster(duplicate);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("roster.members[1] (nantes).node_id: duplicate"), std::string::npos) << s;

  v1::Roster short_key = roster_;
  short_key.mutable_members(0)->set_public_key("too short");
  s = ValidateRoster(short_key);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("members[0] (nantes).public_key"), std::string::npos) << s;

  v1::Roster no_tier = roster_;
  no_tier.mutable_members(1)->clear_max_tier();
  s = ValidateRoster(no_tier);
  EXPECT_NE(s.message().find("members[1] (rennes).max_tier"), std::string::npos) << s;

  // Two members with one key or one TLS certificate: whose entries, which
  // peer's tier, would be ambiguous.
  v1::Roster same_key = roster_;
  same_key.mutable_members(1)->set_public_key(roster_.members(0).public_key());
  s = ValidateRoster(same_key);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("members[1] (rennes).public_key: the key of another member"), std::string::npos) << s;

  v1::Roster same_certificate = roster_;
  same_certificate.mutable_members(1)->set_tls_fingerprint(roster_.members(0).tls_fingerprint());
  s = ValidateRoster(same_certificate);
  EXPECT_NE(s.message().find("members[1] (rennes).tls_fingerprint: the certificate of another member"),
            std::string::npos)
      << s;

  // A member without a certificate could never be reached nor recognised.
  v1::Roster no_certificate = roster_;
  no_certificate.mutable_members(1)->clear_tls_certificate();
  s = ValidateRoster(no_certificate);
  EXPECT_NE(s.message().find("members[1] (rennes).tls_certificate: required"), std::string::npos) << s;
  v1::Roster bad_fingerprint = roster_;
  bad_fingerprint.mutable_members(0)->set_tls_fingerprint("short");
  s = ValidateRoster(bad_fingerprint);
  EXPECT_NE(s.message().find("members[0] (nantes).tls_fingerprint: not a SHA-256"), std::string::npos) << s;

  v1::Roster bad_id = roster_;
  bad_id.mutable_members(1)->set_node_id("Node E!");
  s = ValidateRoster(bad_id);
  EXPECT_NE(s.message().find("members[1] (Node E!).node_id: must match [a-z0-9-]{1,80}"), std::string::npos) << s;

  v1::Roster bad_endpoint = roster_;
  bad_endpoint.mutable_members(0)->set_endpoint("nantes.example.org:99999");
  s = ValidateRoster(bad_endpoint);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("members[0] (nantes).endpoint: expected HOST:PORT"), std::string::npos) << s;
  bad_endpoint.mutable_members(0)->set_endpoint("nantes.example.org:7700");
  EXPECT_TRUE(ValidateRoster(bad_endpoint).ok());

  // Signed but inconsistent: verification refuses it too.
  EXPECT_EQ(VerifyRoster(SignRoster(duplicate, *operator_key_), operator_key_->PublicKey()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bibia::access
