// Bearer tokens: "bibia1." + base64url(SignedToken). Encoding, and parsing of
// untrusted input (every failure is UNAUTHENTICATED with a reason, never a
// crash: the parser is fuzzed by tests/fuzz/token_fuzzer.cc).
#ifndef BIBIA_ACCESS_TOKEN_H_
#define BIBIA_ACCESS_TOKEN_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "access/signing.h"
#include "bibia/v1/identity.pb.h"

namespace bibia::access {

inline constexpr std::string_view kTokenPrefix = "bibia1.";
inline constexpr size_t kMaxTokenBytes = 8192;

// Signs `claims` with the issuing node's key and returns the wire form.
std::string EncodeToken(const v1::Token& claims, const SigningKey& key);

// A token as parsed from the wire, not yet checked against any key.
struct ParsedToken {
  v1::Token claims;
  std::string signed_bytes;  // the serialized Token the signature covers
  std::string signature;
};

// Parses the wire form. UNAUTHENTICATED (naming the problem) for anything
// malformed, truncated or over kMaxTokenBytes.
absl::StatusOr<ParsedToken> ParseToken(std::string_view wire);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_TOKEN_H_
