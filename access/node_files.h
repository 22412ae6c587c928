// A node's data directory and its identity files:
//   node.conf     settings (protobuf text format NodeConfig)
//   node.key      Ed25519 private key: signs tokens and, later, log entries (0600)
//   tls.key       TLS private key (0600)      tls.crt  self-signed certificate
//   operator.pub  the federation operator's public key (optional)
//   db/           the RocksDB store
//   store-opened  written once db/ was first opened (empty)
#ifndef BIBIA_ACCESS_NODE_FILES_H_
#define BIBIA_ACCESS_NODE_FILES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "access/signing.h"
#include "bibia/v1/identity.pb.h"

namespace bibia::access {

struct NodeFiles {
  explicit NodeFiles(SigningKey signing_key) : key(std::move(signing_key)) {}
  SigningKey key;
  v1::NodeConfig config;
  std::string tls_key_pem;
  std::string tls_certificate_pem;
  std::string tls_fingerprint;                    // SHA-256 of the DER certificate
  std::optional<std::string> operator_public_key;  // raw 32 bytes
  std::string db_dir;
  std::string store_marker;  // store-opened
};

struct InitOptions {
  std::string node_id;       // [a-z0-9-]{1,80}
  std::string collectivity;  // required
  std::string endpoint;      // optional: HOST:PORT other nodes reach this one at
  std::string operator_public_key_file;  // optional: PEM of the operator's key
};

// The checks of InitNodeDirectory that need nothing but `options` (the id,
// collectivity and endpoint given): INVALID_ARGUMENT naming the flag at fault.
absl::Status CheckInitOptions(const InitOptions& options);

// Creates `dir` (or fills an empty one) with a new identity. ALREADY_EXISTS if
// it holds one already: keys are never overwritten.
absl::Status InitNodeDirectory(const std::string& dir, const InitOptions& options);

// Loads the identity of an initialised directory. FAILED_PRECONDITION if it is
// not initialised, if the directory or node.conf is writable by group or
// others (the message names the path and its mode), or if a private key file
// is readable by others.
absl::StatusOr<NodeFiles> LoadNodeFiles(const std::string& dir);

// FAILED_PRECONDITION if db/ holds no store (missing, emptied) but one was
// opened before (store-opened is there): a node starting again empty would write new entries under the
// seqs its peers already hold of it, which they refuse as a fork.
absl::Status CheckStoreNotLost(const NodeFiles& files);
// Writes store-opened, once db/ opened, if it is not there yet.
absl::Status MarkStoreOpened(const NodeFiles& files);

// What the federation operator needs to add this node to the roster.
absl::StatusOr<v1::NodeIdentity> DescribeIdentity(const NodeFiles& files);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_NODE_FILES_H_
