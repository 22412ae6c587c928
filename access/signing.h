// Ed25519 keys (OpenSSL EVP): generating, storing as PEM files with safe
// permissions, signing and verifying. Node keys, the federation operator's key
// and tokens all go through here.
#ifndef BIBIA_ACCESS_SIGNING_H_
#define BIBIA_ACCESS_SIGNING_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace bibia::access {

inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;

// An Ed25519 private key. Copies share the key; thread-safe for Sign.
class SigningKey {
 public:
  static absl::StatusOr<SigningKey> Generate();
  // Loads a PKCS#8 PEM private key. FAILED_PRECONDITION if the file is
  // readable or writable by group or others (it must be 0600 or stricter).
  static absl::StatusOr<SigningKey> Load(const std::string& path);

  // Writes the key as PEM to a new file created with mode 0600; refuses to
  // overwrite an existing file (ALREADY_EXISTS).
  absl::Status Save(const std::string& path) const;

  // The raw 32-byte public key.
  std::string PublicKey() const;
  // The 64-byte signature of `message`.
  std::string Sign(std::string_view message) const;

 private:
  explicit SigningKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// True if `signature` is `public_key`'s Ed25519 signature of `message`.
bool VerifySignature(std::string_view public_key, std::string_view message, std::string_view signature);

// Public keys travel as PEM ("-----BEGIN PUBLIC KEY-----"); these convert.
absl::StatusOr<std::string> PublicKeyToPem(std::string_view public_key);
absl::StatusOr<std::string> PublicKeyFromPem(std::string_view pem);

// Fails with FAILED_PRECONDITION if `path` is accessible by group or others.
absl::Status CheckPrivateFileMode(const std::string& path);

// Writes `content` to a new file with `mode`, failing if it exists.
absl::Status WriteNewFile(const std::string& path, std::string_view content, int mode);
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Lower-case hex of `bytes`.
std::string Hex(std::string_view bytes);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_SIGNING_H_
