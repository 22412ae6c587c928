// X.509 certificates in PEM, as found in --ca files, node identities and
// roster members (OpenSSL).
#ifndef BIBIA_CLI_CERTIFICATES_H_
#define BIBIA_CLI_CERTIFICATES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace bibia::cli {

// The number of certificates in `pem`; InvalidArgument if there is none or
// one of them is malformed.
absl::StatusOr<int> CountCertificates(std::string_view pem);

// SHA-256 of the DER form of the first certificate in `pem` (32 raw bytes),
// as in RosterMember.tls_fingerprint.
absl::StatusOr<std::string> CertificateFingerprint(std::string_view pem);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_CERTIFICATES_H_
