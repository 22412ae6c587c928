// Tokens on the wire: what EncodeToken writes, ParseToken reads back and the
// issuer's key verifies; malformed, altered or oversized input is refused
// with UNAUTHENTICATED, never accepted.
#include "access/token.h"

#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "access/signing.h"
#include "gtest/gtest.h"

namespace bibia::access {
namespace {

v1::Token Claims() {
  v1::Token claims;
  claims.set_token_id("0123456789abcdef0123456789abcdef");
  claims.set_subject("alice@nantes");
  claims.set_issuer("nantes");
  claims.set_tier(v1::TIER_RESTRICTED);
  claims.set_role(v1::ROLE_EDITOR);
  claims.set_issued_unix_ms(1'700'000'000'000);
  claims.set_expires_unix_ms(1'700'086'400'000);
  return claims;
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = SigningKey::Generate();
    ASSERT_TRUE(key.ok()) << key.status();
    key_.emplace(*key);
  }
  std::optional<SigningKey> key_;
};

TEST_F(TokenTest, RoundTripsAndVerifiesWithTheIssuersKey) {
  const std::string wire = EncodeToken(Claims(), *key_);
  ASSERT_EQ(wire.rfind(kTokenPrefix, 0), 0u) << wire;
  auto parsed = ParseToken(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->claims.SerializeAsString(), Claims().SerializeAsString());
  EXPECT_TRUE(VerifySignature(key_->PublicKey(), parsed->signed_bytes, parsed->signature));

  auto other = SigningKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(VerifySignature(other->PublicKey(), parsed->signed_bytes, parsed->signature));
}

TEST_F(TokenTest, AlteredClaimsNoLongerVerify) {
  const std::string wire = EncodeToken(Claims(), *key_);
  std::string body;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(wire.substr(kTokenPrefix.size()), &body));
  // Raise the tier inside the signed bytes: the signature must not follow.
  const std::string restricted = Claims().SerializeAsString();
  const size_t at = body.find(restricted);
  ASSERT_NE(at, std::string::npos);
  v1::Token raised = Claims();
  raised.set_tier(v1::TIER_EXPERT);
  body.replace(at, restricted.size(), raised.SerializeAsString());
  std::string forged(kTokenPrefix);
  absl::StrAppend(&forged, absl::WebSafeBase64Escape(body));

  auto parsed = ParseToken(forged);
  ASSERT_TRUE(parsed.ok()) << parsed.status();  // well-formed, so it parses...
  EXPECT_EQ(parsed->claims.tier(), v1::TIER_EXPERT);
  EXPECT_FALSE(VerifySignature(key_->PublicKey(), parsed->signed_bytes, parsed->signature));  // ...but is refused
}

TEST_F(TokenTest, MalformedInputIsUnauthenticated) {
  const std::string wire = EncodeToken(Claims(), *key_);
  const std::string cases[] = {
      "",
      "bibia1.",
      "bibia2." + wire.substr(kTokenPrefix.size()),   // unknown version
      wire.substr(kTokenPrefix.size()),               // no prefix
      wire.substr(0, wire.size() / 2),                // truncated
      wire + "!",                                     // not base64url
      "bibia1." + std::string(kMaxTokenBytes, 'A'),   // oversized
  };
  for (const std::string& input : cases) {
    auto parsed = ParseToken(input);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnauthenticated) << "input of " << input.size() << " bytes";
  }
}

TEST_F(TokenTest, NonCanonicalBase64IsRefused) {
  // Flipping unused low bits of the last base64 character decodes to the same
  // bytes; accepting it would give one token several spellings.
  std::string wire = EncodeToken(Claims(), *key_);
  std::string body = wire.substr(kTokenPrefix.size());
  std::string decoded;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(body, &decoded));
  if (decoded.size() % 3 == 0) GTEST_SKIP() << "no padding bits in this encoding";
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const size_t index = alphabet.find(body.back());
  ASSERT_NE(index, std::string::npos);
  body.back() = alphabet[index ^ 1];
  std::string same;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(body, &same));
  ASSERT_EQ(same, decoded);
  EXPECT_EQ(ParseToken(std::string(kTokenPrefix) + body).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(SigningKeyTest, PublicKeyPemRoundTrips) {
  auto key = SigningKey::Generate();
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->PublicKey().size(), kPublicKeyBytes);
  EXPECT_EQ(key->Sign("message").size(), kSignatureBytes);
  auto pem = PublicKeyToPem(key->PublicKey());
  ASSERT_TRUE(pem.ok()) << pem.status();
  auto back = PublicKeyFromPem(*pem);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, key->PublicKey());
  EXPECT_FALSE(PublicKeyFromPem("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n").ok());
}

}  // namespace
}  // namespace bibia::access
