// libFuzzer target: the bearer-token parser and the policy point's token path
// take untrusted bytes from any caller. Whatever the input, they must return a
// status (never crash, hang or read out of bounds), and any token they accept
// must re-encode from its parts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "access/signing.h"
#include "access/token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = bibia::access::ParseToken(input);
  if (parsed.ok()) {
    // Accepted tokens carry the fields the policy point relies on.
    if (parsed->claims.token_id().empty() || parsed->claims.issuer().empty()) __builtin_trap();
    if (parsed->signature.size() != bibia::access::kSignatureBytes) __builtin_trap();
    // Signature checking with an arbitrary key must be safe on any claims.
    (void)bibia::access::VerifySignature(std::string(32, '\x01'), parsed->signed_bytes, parsed->signature);
  } else if (parsed.status().code() != absl::StatusCode::kUnauthenticated) {
    __builtin_trap();  // every refusal is UNAUTHENTICATED
  }
  // The same bytes behind the token prefix reach the base64 and proto layers.
  std::string prefixed = std::string(bibia::access::kTokenPrefix) + std::string(input);
  auto with_prefix = bibia::access::ParseToken(prefixed);
  if (!with_prefix.ok() && with_prefix.status().code() != absl::StatusCode::kUnauthenticated) __builtin_trap();
  return 0;
}
