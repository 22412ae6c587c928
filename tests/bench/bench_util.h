// Shared pieces of bibia_policy_bench and bibia_replication_bench: report
// lines, machine description (load average: the machine is shared), a work
// directory, flag parsing, a bibia-node child started on 127.0.0.1 with a
// bounded wait, gRPC channels (plaintext, TLS, mutual TLS) and bearer tokens.
#ifndef BIBIA_TESTS_BENCH_BENCH_UTIL_H_
#define BIBIA_TESTS_BENCH_BENCH_UTIL_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/node_files.h"
#include "bibia/v1/identity.pb.h"
#include "tests/bench/latency.h"
#include "tests/bench/node_process.h"

namespace bibia::bench {

// ---- report -------------------------------------------------------------

// "label ...... value" with the label padded to `width` display columns.
void Line(const std::string& label, const std::string& value, size_t width = 34);
void Section(const std::string& title);
std::string Pad(const std::string& s, size_t width);

std::string CpuModel();
// "/proc/loadavg": "1.20 0.80 0.55 (1/5/15 min)".
std::string LoadAverage();
double LoadAverage1();

double Seconds(int64_t ns);
std::string Ms(int64_t ns);
std::string Mib(uint64_t bytes);
// count / seconds with separators, e.g. "12,345/s".
std::string PerSecond(double count, int64_t ns);
double RatePerSecond(double count, int64_t ns);

// ---- flags --------------------------------------------------------------

struct ParsedArgs {
  std::map<std::string, std::string> values;  // name without "--" -> value
  std::set<std::string> switches;
  bool help = false;
  std::string error;  // set on a usage error
};
// "--name value", "--name=value", switches without a value, -h / --help.
ParsedArgs ParseArgs(int argc, char** argv, const std::set<std::string>& with_value,
                     const std::set<std::string>& switches);
// A count in [lo, hi]; false (and `error`) if not.
bool ParseCount(const ParsedArgs& args, const std::string& name, int64_t lo, int64_t hi, int64_t* out,
                std::string* error);

// ---- files --------------------------------------------------------------

// The working directory: `requested` (must be empty or absent) or a fresh
// mkdtemp under $TMPDIR (removed at the end unless `keep`).
class WorkDir {
 public:
  ~WorkDir();
  absl::Status Create(const std::string& requested, const std::string& prefix, bool keep);
  const std::filesystem::path& path() const { return path_; }
  bool removed_at_end() const { return remove_; }

 private:
  std::filesystem::path path_;
  bool remove_ = false;
};

uint64_t DirectoryBytes(const std::filesystem::path& dir);

// <build>/node/bibia-node for this binary at <build>/tests/bench/.
std::string DefaultNodeBinary();

// ---- a bibia-node child process -----------------------------------------

class NodeRunner {
 public:
  NodeRunner(std::string binary, std::string data_dir, std::string log_file)
      : binary_(std::move(binary)), data_dir_(std::move(data_dir)), log_file_(std::move(log_file)) {}
  ~NodeRunner();

  // Starts `binary --data-dir DIR --listen 127.0.0.1:0 --port-file F flags...`
  // and waits (at most `deadline`) for the port file. Returns "127.0.0.1:PORT".
  absl::StatusOr<std::string> Start(const std::vector<std::string>& flags, std::chrono::seconds deadline);
  // SIGTERM, then SIGKILL after `grace`; how it ended.
  std::string Stop(std::chrono::seconds grace = std::chrono::seconds(10));
  bool running() { return child_ && child_->Running(); }
  pid_t pid() const { return child_ ? child_->pid() : -1; }
  const std::string& address() const { return address_; }
  const std::string& command_line() const { return command_line_; }
  std::string LogTail(int lines) const { return TailOfFile(log_file_, lines); }

 private:
  std::string binary_, data_dir_, log_file_;
  std::unique_ptr<ChildProcess> child_;
  std::string address_, command_line_;
};

// ---- gRPC ---------------------------------------------------------------

// Each channel has its own subchannel pool: no connection shared with another
// channel (of other credentials). Receive limit 64 MiB, as nodes use.
std::shared_ptr<grpc::Channel> PlaintextChannel(const std::string& address);
// TLS trusting `root_pem`; presents a client certificate when given.
std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const std::string& root_pem,
                                          const std::string& client_key_pem = "",
                                          const std::string& client_cert_pem = "");
// Waits until connected (bounded).
bool Connect(const std::shared_ptr<grpc::Channel>& channel, std::chrono::seconds timeout);

// A context with a deadline and "authorization: Bearer <token>" if `token`
// is not empty.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token, std::chrono::seconds timeout);
std::string CodeName(grpc::StatusCode code);
std::string Describe(const grpc::Status& status);

// ---- identities ---------------------------------------------------------

// A token for `files`' node (its key signs it), issuer = that node.
std::string MakeToken(const access::NodeFiles& files, const std::string& subject, v1::Tier tier, v1::Role role,
                      int64_t ttl_seconds = 3600);

// A roster member for `files`' node.
v1::RosterMember MemberOf(const access::NodeFiles& files, v1::Tier max_tier, const std::string& endpoint = "");

int64_t NowUnixMillis();

}  // namespace bibia::bench

#endif  // BIBIA_TESTS_BENCH_BENCH_UTIL_H_
