// The node's TLS identity: an ECDSA P-256 key and a self-signed X.509
// certificate whose subjectAltNames cover loopback, so that clients on the same
// machine verify it without a name override.
#ifndef BIBIA_ACCESS_TLS_CERTIFICATE_H_
#define BIBIA_ACCESS_TLS_CERTIFICATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bibia::access {

struct TlsIdentity {
  std::string key_pem;
  std::string certificate_pem;
};

// A new key and a certificate for `common_name`, valid 10 years, with SANs
// DNS:localhost, IP:127.0.0.1, IP:::1 and DNS:<each of extra_dns_names>.
absl::StatusOr<TlsIdentity> MakeSelfSignedCertificate(const std::string& common_name,
                                                      const std::vector<std::string>& extra_dns_names);

// OK if `key_pem` (read from `key_file`) is a PEM private key and
// `certificate_pem` (from `certificate_file`) a PEM certificate of its public
// key; INVALID_ARGUMENT naming the file at fault otherwise. gRPC only says, at
// start, that it cannot listen.
absl::Status CheckKeyMatchesCertificate(const std::string& key_pem, const std::string& key_file,
                                        const std::string& certificate_pem, const std::string& certificate_file);

// SHA-256 of the DER form of a PEM certificate (32 raw bytes).
absl::StatusOr<std::string> CertificateFingerprint(const std::string& certificate_pem);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_TLS_CERTIFICATE_H_
