#include "cli/roster_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/signing.h"
#include "cli/absl_view.h"
#include "cli/certificates.h"
#include "cli/file_input.h"
#include "cli/json_io.h"

namespace bibia::cli {
namespace {

absl::Status FileError(std::string_view name, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(AbslView(name), ": ", AbslView(problem)));
}

// Writes all of `content` to `fd`.
bool WriteAll(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    content.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

}  // namespace

absl::StatusOr<v1::SignedRoster> ReadSignedRoster(const std::string& path,
                                                  std::istream& stdin_stream) {
  const std::string name = InputName(path);
  absl::StatusOr<std::string> json = ReadInput(path, stdin_stream);
  if (!json.ok()) return json.status();
  v1::SignedRoster signed_roster;
  if (absl::Status parsed = ParseJson(*json, signed_roster); !parsed.ok()) {
    return FileError(name, absl::StrCat("not a signed roster (bibia.v1.SignedRoster in "
                                        "JSON): ", parsed.message()));
  }
  if (signed_roster.roster().empty() && signed_roster.signature().empty()) {
    return FileError(name, "not a signed roster: no 'roster' and no 'signature'");
  }
  return signed_roster;
}

absl::StatusOr<v1::Roster> DecodeRoster(const v1::SignedRoster& signed_roster,
                                        std::string_view name) {
  v1::Roster roster;
  if (!roster.ParseFromString(signed_roster.roster())) {
    return FileError(name, "the 'roster' bytes are not a bibia.v1.Roster");
  }
  return roster;
}

absl::StatusOr<std::string> RosterTrustAnchors(const std::string& path) {
  std::istringstream no_stdin;
  absl::StatusOr<v1::SignedRoster> signed_roster = ReadSignedRoster(path, no_stdin);
  if (!signed_roster.ok()) return signed_roster.status();
  absl::StatusOr<v1::Roster> roster = DecodeRoster(*signed_roster, path);
  if (!roster.ok()) return roster.status();
  std::string anchors;
  for (const v1::RosterMember& member : roster->members()) {
    if (member.tls_certificate().empty()) continue;
    if (absl::StatusOr<int> count = CountCertificates(member.tls_certificate()); !count.ok()) {
      return FileError(path, absl::StrCat("member ", member.node_id(), ": tls_certificate: ",
                                          count.status().message()));
    }
    anchors.append(member.tls_certificate());
    if (anchors.back() != '\n') anchors.push_back('\n');
  }
  if (anchors.empty()) {
    return FileError(path, "no member of the roster has a tls_certificate to trust");
  }
  return anchors;
}

absl::StatusOr<v1::NodeIdentity> ReadNodeIdentity(const std::string& path,
                                                  std::istream& stdin_stream) {
  const std::string name = InputName(path);
  absl::StatusOr<std::string> json = ReadInput(path, stdin_stream);
  if (!json.ok()) return json.status();
  v1::NodeIdentity identity;
  if (absl::Status parsed = ParseJson(*json, identity); !parsed.ok()) {
    return FileError(name, absl::StrCat("not a node identity (bibia.v1.NodeIdentity in JSON, "
                                        "as printed by 'bibia-node identity'): ",
                                        parsed.message()));
  }
  if (identity.node_id().empty()) return FileError(name, "node_id: missing");
  if (identity.public_key().size() != access::kPublicKeyBytes) {
    return FileError(name, absl::StrCat("public_key: expected ", access::kPublicKeyBytes,
                                        " bytes, got ", identity.public_key().size()));
  }
  if (!identity.tls_certificate().empty()) {
    absl::StatusOr<std::string> fingerprint =
        CertificateFingerprint(identity.tls_certificate());
    if (!fingerprint.ok()) {
      return FileError(name, absl::StrCat("tls_certificate: ", fingerprint.status().message()));
    }
    if (identity.tls_fingerprint().empty()) {
      identity.set_tls_fingerprint(*fingerprint);
    } else if (identity.tls_fingerprint() != *fingerprint) {
      return FileError(name, "tls_fingerprint is not the SHA-256 of tls_certificate");
    }
  }
  return identity;
}

absl::StatusOr<std::string> ReadOperatorPublicKey(const std::string& path) {
  std::istringstream no_stdin;
  absl::StatusOr<std::string> pem = ReadInput(path, no_stdin);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<std::string> key = access::PublicKeyFromPem(*pem);
  if (!key.ok()) {
    return FileError(path, absl::StrCat(key.status().message(),
                                        " (expected the operator's public key, e.g. "
                                        "OP.key.pub written by 'bibia roster init')"));
  }
  return key;
}

absl::Status ReplaceFileAtomically(const std::string& path, std::string_view content) {
  mode_t mode = 0644;
  struct stat existing;
  if (::stat(path.c_str(), &existing) == 0) mode = existing.st_mode & 07777;

  const std::filesystem::path target(path);
  std::string temp = (target.parent_path() / ("." + target.filename().string() + ".tmp-XXXXXX"))
                         .string();
  std::vector<char> temp_name(temp.begin(), temp.end());
  temp_name.push_back('\0');
  const int fd = ::mkstemp(temp_name.data());
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(path, ": cannot create a temporary file: ",
                                               std::strerror(errno)));
  }
  temp = temp_name.data();
  const bool ok = ::fchmod(fd, mode) == 0 && WriteAll(fd, content) && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = ok ? errno : saved_errno;
    ::unlink(temp.c_str());
    return absl::UnavailableError(absl::StrCat(path, ": cannot write: ", std::strerror(error)));
  }
  // Make the rename itself durable.
  const std::string directory =
      target.parent_path().empty() ? "." : target.parent_path().string();
  if (const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return absl::OkStatus();
}

std::string ShortHex(std::string_view bytes) {
  if (bytes.empty()) return "-";
  return access::Hex(bytes.substr(0, 8));
}

}  // namespace bibia::cli
