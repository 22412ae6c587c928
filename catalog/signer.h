// Signing and verifying log entries, behind interfaces: the keys live in
// access/ (Ed25519, the roster), the log in catalog/, and tests can replace
// either side.
#ifndef BIBIA_CATALOG_SIGNER_H_
#define BIBIA_CATALOG_SIGNER_H_

#include <string>
#include <string_view>

namespace bibia::catalog {

// Signs with this node's key. Thread-safe.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual std::string Sign(std::string_view message) const = 0;
};

// Checks that `signature` over `message` is by node `origin`. Thread-safe.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  virtual bool Verify(std::string_view origin, std::string_view message, std::string_view signature) const = 0;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_SIGNER_H_
