// Roster files of the federation operator: a bibia.v1.SignedRoster in the
// protobuf JSON mapping (bytes as base64), read, decoded and replaced
// atomically; node identity files (bibia.v1.NodeIdentity in JSON).
#ifndef BIBIA_CLI_ROSTER_FILE_H_
#define BIBIA_CLI_ROSTER_FILE_H_

#include <istream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bibia/v1/identity.pb.h"

namespace bibia::cli {

// Reads a SignedRoster from `path` ("-" reads `stdin_stream`). Errors name
// the file.
absl::StatusOr<v1::SignedRoster> ReadSignedRoster(const std::string& path,
                                                  std::istream& stdin_stream);

// The Roster inside `signed_roster`, WITHOUT checking the signature (for
// display, and for --roster, a local file the user chose to trust). `name`
// prefixes errors.
absl::StatusOr<v1::Roster> DecodeRoster(const v1::SignedRoster& signed_roster,
                                        std::string_view name);

// The concatenated tls_certificate PEMs of the roster in `path`, for use as
// trust anchors. InvalidArgument if no member has one.
absl::StatusOr<std::string> RosterTrustAnchors(const std::string& path);

// Reads a NodeIdentity (what `bibia-node identity` prints) from `path` and
// checks it: node id, 32-byte public key, and a TLS fingerprint matching the
// certificate (computed when only the certificate is there).
absl::StatusOr<v1::NodeIdentity> ReadNodeIdentity(const std::string& path,
                                                  std::istream& stdin_stream);

// The operator's raw public key from a PEM public key file.
absl::StatusOr<std::string> ReadOperatorPublicKey(const std::string& path);

// Replaces (or creates) `path` with `content`: a temporary file in the same
// directory, written and synced, then renamed over `path`. An existing file
// keeps its permission bits; a new one gets 0644.
absl::Status ReplaceFileAtomically(const std::string& path, std::string_view content);

// The first 16 hex digits of `bytes`, or "-" when empty.
std::string ShortHex(std::string_view bytes);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_ROSTER_FILE_H_
