#include "access/token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace bibia::access {
namespace {

absl::Status Bad(std::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("token: ", std::string(why)));
}

}  // namespace

std::string EncodeToken(const v1::Token& claims, const SigningKey& key) {
  v1::SignedToken signed_token;
  signed_token.set_token(claims.SerializeAsString());
  signed_token.set_signature(key.Sign(signed_token.token()));
  std::string encoded;
  absl::WebSafeBase64Escape(signed_token.SerializeAsString(), &encoded);
  return std::string(kTokenPrefix) + encoded;
}

absl::StatusOr<ParsedToken> ParseToken(std::string_view wire) {
  if (wire.size() > kMaxTokenBytes) return Bad(absl::StrCat("longer than ", kMaxTokenBytes, " bytes"));
  if (!absl::StartsWith(absl::string_view(wire.data(), wire.size()),
                        absl::string_view(kTokenPrefix.data(), kTokenPrefix.size()))) {
    return Bad("not a bibia token (expected prefix 'bibia1.')");
  }
  std::string_view body = wire.substr(kTokenPrefix.size());
  std::string bytes;
  if (body.empty() || !absl::WebSafeBase64Unescape(absl::string_view(body.data(), body.size()), &bytes)) {
    return Bad("malformed base64url");
  }
  // One token, one spelling: the decoder tolerates padding and ignores the
  // unused low bits of the last character, so require the canonical form.
  std::string canonical;
  absl::WebSafeBase64Escape(bytes, &canonical);
  if (canonical != body) return Bad("malformed base64url (not in canonical form)");
  v1::SignedToken signed_token;
  if (!signed_token.ParseFromString(bytes)) return Bad("malformed or truncated");
  if (signed_token.signature().size() != kSignatureBytes) return Bad("missing or malformed signature");
  ParsedToken parsed;
  if (!parsed.claims.ParseFromString(signed_token.token())) return Bad("malformed claims");
  if (parsed.claims.token_id().empty() || parsed.claims.issuer().empty() || parsed.claims.subject().empty()) {
    return Bad("claims lack token id, issuer or subject");
  }
  parsed.signed_bytes = std::move(*signed_token.mutable_token());
  parsed.signature = std::move(*signed_token.mutable_signature());
  return parsed;
}

}  // namespace bibia::access
