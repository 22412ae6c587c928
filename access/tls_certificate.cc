#include "access/tls_certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace bibia::access {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
void FreeBio(BIO* b) { BIO_free(b); }
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, FreeBio>>;

std::string MemContents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, length);
}

absl::Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) {
    return absl::InternalError(absl::StrCat("certificate: cannot add extension ", value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TlsIdentity> MakeSelfSignedCertificate(const std::string& common_name,
                                                      const std::vector<std::string>& extra_dns_names) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return absl::InternalError("cannot generate a P-256 key");
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  EVP_Digest(common_name.data(), common_name.size(), serial, nullptr, EVP_md5(), nullptr);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 366 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("bibia node"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  std::vector<std::string> sans = {"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  for (const auto& dns : extra_dns_names) sans.push_back(absl::StrCat("DNS:", dns));
  if (auto s = AddExtension(cert.get(), NID_subject_alt_name, absl::StrJoin(sans, ",")); !s.ok()) return s;
  // A self-signed certificate that clients use as its own trust anchor.
  if (auto s = AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE"); !s.ok()) return s;
  if (auto s = AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign"); !s.ok()) return s;
  if (auto s = AddExtension(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth"); !s.ok()) return s;
  if (auto s = AddExtension(cert.get(), NID_subject_key_identifier, "hash"); !s.ok()) return s;
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) return absl::InternalError("cannot sign the certificate");

  TlsIdentity identity;
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
      !PEM_write_bio_X509(cert_bio.get(), cert.get())) {
    return absl::InternalError("cannot encode the TLS key or certificate");
  }
  identity.key_pem = MemContents(key_bio.get());
  identity.certificate_pem = MemContents(cert_bio.get());
  return identity;
}

absl::Status CheckKeyMatchesCertificate(const std::string& key_pem, const std::string& key_file,
                                        const std::string& certificate_pem, const std::string& certificate_file) {
  BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  BioPtr cert_bio(BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();  // what failed is said below, not left for gRPC's logs
  if (!key) return absl::InvalidArgumentError(absl::StrCat(key_file, ": not a PEM private key"));
  if (!cert) return absl::InvalidArgumentError(absl::StrCat(certificate_file, ": not a PEM X.509 certificate"));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(certificate_file, ": not the certificate of the key in ", key_file));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CertificateFingerprint(const std::string& certificate_pem) {
  BioPtr bio(BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return absl::InvalidArgumentError("certificate: not a PEM X.509 certificate");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!X509_digest(cert.get(), EVP_sha256(), digest, &length)) {
    return absl::InternalError("certificate: cannot compute its fingerprint");
  }
  return std::string(reinterpret_cast<char*>(digest), length);
}

}  // namespace bibia::access
