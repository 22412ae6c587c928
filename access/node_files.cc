#include "access/node_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "access/endpoint.h"
#include "access/tls_certificate.h"
#include "catalog/status_macros.h"
#include "catalog/validate.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace bibia::access {
namespace {

std::string PathIn(const std::string& dir, const char* name) { return absl::StrCat(dir, "/", name); }

// FAILED_PRECONDITION if `path` (`what`: "data directory", "settings file")
// may be written by group or others: whoever can write it can swap the
// node's keys or settings.
absl::Status CheckNotWritableByOthers(const std::string& path, const char* what, const char* fix_mode) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  if ((st.st_mode & 022) == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat("%s: %s is writable by %s (mode %04o); run chmod %s %s", path,
                                                       what, (st.st_mode & 002) ? "others" : "group",
                                                       st.st_mode & 07777, fix_mode, path));
}

}  // namespace

absl::Status CheckInitOptions(const InitOptions& options) {
  BIBIA_RETURN_IF_ERROR(catalog::CheckId("--id", options.node_id));  // node ids share the id alphabet
  if (options.collectivity.empty()) return absl::InvalidArgumentError("--collectivity: required");
  if (!options.endpoint.empty()) {
    if (absl::Status s = CheckEndpoint(options.endpoint, "--endpoint"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status InitNodeDirectory(const std::string& dir, const InitOptions& options) {
  if (absl::Status s = CheckInitOptions(options); !s.ok()) return s;
  std::optional<std::string> operator_pem;
  if (!options.operator_public_key_file.empty()) {
    auto pem = ReadFile(options.operator_public_key_file);
    if (!pem.ok()) return pem.status();
    if (auto key = PublicKeyFromPem(*pem); !key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--operator-key ", options.operator_public_key_file, ": ",
                                                     key.status().message()));
    }
    operator_pem = *pem;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("--data-dir ", dir, ": ", ec.message()));
  ::chmod(dir.c_str(), 0700);
  if (std::filesystem::exists(PathIn(dir, "node.conf")) || std::filesystem::exists(PathIn(dir, "node.key"))) {
    return absl::AlreadyExistsError(absl::StrCat(dir, " already holds a node identity; keys are never overwritten"));
  }

  auto key = SigningKey::Generate();
  if (!key.ok()) return key.status();
  auto tls = MakeSelfSignedCertificate(absl::StrCat("bibia node ", options.node_id), {options.node_id});
  if (!tls.ok()) return tls.status();
  v1::NodeConfig config;
  config.set_node_id(options.node_id);
  config.set_collectivity(options.collectivity);
  config.set_endpoint(options.endpoint);
  std::string config_text;
  google::protobuf::TextFormat::PrintToString(config, &config_text);

  // Keys first: a directory with node.conf is complete, so it is written last.
  if (auto s = key->Save(PathIn(dir, "node.key")); !s.ok()) return s;
  if (auto s = WriteNewFile(PathIn(dir, "tls.key"), tls->key_pem, 0600); !s.ok()) return s;
  if (auto s = WriteNewFile(PathIn(dir, "tls.crt"), tls->certificate_pem, 0644); !s.ok()) return s;
  if (operator_pem) {
    if (auto s = WriteNewFile(PathIn(dir, "operator.pub"), *operator_pem, 0644); !s.ok()) return s;
  }
  return WriteNewFile(PathIn(dir, "node.conf"), config_text, 0644);
}

absl::StatusOr<NodeFiles> LoadNodeFiles(const std::string& dir) {
  const std::string conf_path = PathIn(dir, "node.conf");
  if (!std::filesystem::exists(conf_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is not an initialised node directory (no node.conf): run 'bibia-node init --data-dir ",
                     dir, " --id ID --collectivity NAME' first"));
  }
  if (auto s = CheckNotWritableByOthers(dir, "data directory", "700"); !s.ok()) return s;
  if (auto s = CheckNotWritableByOthers(conf_path, "settings file", "644"); !s.ok()) return s;
  auto key = SigningKey::Load(PathIn(dir, "node.key"));
  if (!key.ok()) return key.status();
  NodeFiles files(*key);
  auto conf = ReadFile(conf_path);
  if (!conf.ok()) return conf.status();
  // Errors collected, not logged by protobuf on stderr: the message names
  // the line and column instead.
  class Collector : public google::protobuf::io::ErrorCollector {
   public:
    void AddError(int line, int column, const std::string& message) override {
      if (first.empty()) first = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
    }
    std::string first;
  } collector;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  if (!parser.ParseFromString(*conf, &files.config)) {
    return absl::InvalidArgumentError(absl::StrCat(conf_path, ": malformed: ", collector.first));
  }
  if (files.config.node_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(conf_path, ": node_id is required"));
  }
  const std::string tls_key_path = PathIn(dir, "tls.key");
  if (auto s = CheckPrivateFileMode(tls_key_path); !s.ok()) return s;
  auto tls_key = ReadFile(tls_key_path);
  if (!tls_key.ok()) return tls_key.status();
  files.tls_key_pem = *tls_key;
  auto cert = ReadFile(PathIn(dir, "tls.crt"));
  if (!cert.ok()) return cert.status();
  files.tls_certificate_pem = *cert;
  if (absl::Status pair = CheckKeyMatchesCertificate(files.tls_key_pem, tls_key_path, files.tls_certificate_pem,
                                                     PathIn(dir, "tls.crt"));
      !pair.ok()) {
    return pair;
  }
  auto fingerprint = CertificateFingerprint(files.tls_certificate_pem);
  if (!fingerprint.ok()) return fingerprint.status();
  files.tls_fingerprint = *fingerprint;
  const std::string operator_path = PathIn(dir, "operator.pub");
  if (std::filesystem::exists(operator_path)) {
    auto pem = ReadFile(operator_path);
    if (!pem.ok()) return pem.status();
    auto raw = PublicKeyFromPem(*pem);
    if (!raw.ok()) return absl::InvalidArgumentError(absl::StrCat(operator_path, ": ", raw.status().message()));
    files.operator_public_key = *raw;
  }
  files.db_dir = PathIn(dir, "db");
  files.store_marker = PathIn(dir, "store-opened");
  return files;
}

absl::Status CheckStoreNotLost(const NodeFiles& files) {
  // A RocksDB store has its CURRENT file from the first open on: without it
  // (db/ deleted, emptied, or a fresh disk mounted there) RocksDB would
  // create a new, empty store.
  if (!std::filesystem::exists(files.store_marker) ||
      std::filesystem::exists(std::filesystem::path(files.db_dir) / "CURRENT")) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      files.db_dir, ": no store there (missing or emptied), though this node's store was opened before (",
      files.store_marker,
      "). Started empty, node '", files.config.node_id(),
      "' would write entries under seqs its peers already hold, and they would refuse them as a fork. "
      "Restore the store from a backup, or init a new data directory with a new --id; to start "
      "empty anyway (a node no peer ever synced from), delete ", files.store_marker, "."));
}

absl::Status MarkStoreOpened(const NodeFiles& files) {
  if (std::filesystem::exists(files.store_marker)) return absl::OkStatus();
  return WriteNewFile(files.store_marker, "", 0644);
}

absl::StatusOr<v1::NodeIdentity> DescribeIdentity(const NodeFiles& files) {
  v1::NodeIdentity identity;
  identity.set_node_id(files.config.node_id());
  identity.set_collectivity(files.config.collectivity());
  identity.set_public_key(files.key.PublicKey());
  identity.set_tls_fingerprint(files.tls_fingerprint);
  identity.set_tls_certificate(files.tls_certificate_pem);
  identity.set_endpoint(files.config.endpoint());
  return identity;
}

}  // namespace bibia::access
