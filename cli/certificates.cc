#include "cli/certificates.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/status/status.h"

namespace bibia::cli {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

constexpr std::string_view kBeginCertificate = "-----BEGIN CERTIFICATE-----";

BioPtr MemoryBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

}  // namespace

absl::StatusOr<int> CountCertificates(std::string_view pem) {
  // Count the BEGIN lines so that a malformed certificate after good ones is
  // an error rather than silently skipped.
  int expected = 0;
  for (size_t at = pem.find(kBeginCertificate); at != std::string_view::npos;
       at = pem.find(kBeginCertificate, at + 1)) {
    ++expected;
  }
  if (expected == 0) return absl::InvalidArgumentError("no PEM certificate found");
  BioPtr bio = MemoryBio(pem);
  int parsed = 0;
  while (X509Ptr certificate{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    ++parsed;
  }
  ERR_clear_error();
  if (parsed != expected) {
    return absl::InvalidArgumentError("malformed PEM certificate");
  }
  return parsed;
}

absl::StatusOr<std::string> CertificateFingerprint(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  X509Ptr certificate{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
  ERR_clear_error();
  if (certificate == nullptr) return absl::InvalidArgumentError("not a PEM certificate");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate.get(), EVP_sha256(), digest, &length) != 1) {
    return absl::InternalError("cannot hash the certificate");
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace bibia::cli
