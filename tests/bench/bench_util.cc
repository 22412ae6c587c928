#include "tests/bench/bench_util.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "access/access_control.h"
#include "access/token.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace bibia::bench {

namespace fs = std::filesystem;

// ---- report -------------------------------------------------------------

namespace {

size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

}  // namespace

std::string Pad(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

void Line(const std::string& label, const std::string& value, size_t width) {
  std::printf("%s %s\n", Pad(label, width).c_str(), value.c_str());
  std::fflush(stdout);
}

void Section(const std::string& title) {
  std::printf("\n== %s\n", title.c_str());
  std::fflush(stdout);
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  for (int i = 0; i < 200 && std::getline(in, line); ++i) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return absl::StrCat(Fixed(one, 2), " ", Fixed(five, 2), " ", Fixed(fifteen, 2), " (1/5/15 min)");
}

double LoadAverage1() {
  std::ifstream in("/proc/loadavg");
  double one = -1;
  in >> one;
  return one;
}

double Seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }
std::string Ms(int64_t ns) { return WithCommas((ns + 500000) / 1000000) + " ms"; }
std::string Mib(uint64_t bytes) { return Fixed(static_cast<double>(bytes) / (1 << 20), 1) + " MiB"; }
double RatePerSecond(double count, int64_t ns) { return count / std::max(Seconds(ns), 1e-9); }
std::string PerSecond(double count, int64_t ns) {
  return WithCommas(static_cast<int64_t>(RatePerSecond(count, ns) + 0.5)) + "/s";
}

// ---- flags --------------------------------------------------------------

ParsedArgs ParseArgs(int argc, char** argv, const std::set<std::string>& with_value,
                     const std::set<std::string>& switches) {
  ParsedArgs out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      out.error = "unexpected argument '" + arg + "'";
      return out;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    if (switches.count(name)) {
      if (has_value) {
        out.error = "--" + name + " takes no value";
        return out;
      }
      out.switches.insert(name);
      continue;
    }
    if (!with_value.count(name)) {
      out.error = "unknown flag '" + arg + "'";
      return out;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        out.error = "--" + name + ": missing value";
        return out;
      }
      value = argv[++i];
    }
    out.values[name] = value;
  }
  return out;
}

bool ParseCount(const ParsedArgs& args, const std::string& name, int64_t lo, int64_t hi, int64_t* out,
                std::string* error) {
  auto it = args.values.find(name);
  if (it == args.values.end()) return true;
  int64_t n = 0;
  if (!absl::SimpleAtoi(it->second, &n) || n < lo || n > hi) {
    *error = absl::StrCat("--", name, ": '", it->second, "' is not a number between ", lo, " and ", hi);
    return false;
  }
  *out = n;
  return true;
}

// ---- files --------------------------------------------------------------

WorkDir::~WorkDir() {
  if (!remove_ || path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

absl::Status WorkDir::Create(const std::string& requested, const std::string& prefix, bool keep) {
  std::error_code ec;
  if (requested.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/", prefix, "-XXXXXX");
    if (mkdtemp(tmpl.data()) == nullptr) return absl::InternalError("cannot create a directory from " + tmpl);
    path_ = tmpl;
    remove_ = !keep;
    return absl::OkStatus();
  }
  path_ = requested;
  if (fs::exists(path_, ec) && !fs::is_empty(path_, ec)) {
    return absl::FailedPreconditionError("--dir " + requested + " is not empty (a fresh directory is needed)");
  }
  fs::create_directories(path_, ec);
  if (ec) return absl::InternalError("--dir " + requested + ": " + ec.message());
  return absl::OkStatus();
}

uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

std::string DefaultNodeBinary() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "node/bibia-node";
  return (self.parent_path().parent_path().parent_path() / "node" / "bibia-node").string();
}

// ---- a bibia-node child process -----------------------------------------

NodeRunner::~NodeRunner() {
  if (child_ && child_->Running()) child_->Stop(std::chrono::seconds(5));
}

absl::StatusOr<std::string> NodeRunner::Start(const std::vector<std::string>& flags, std::chrono::seconds deadline) {
  if (child_ && child_->Running()) return absl::FailedPreconditionError("node already running");
  const std::string port_file = data_dir_ + ".port";
  std::error_code ec;
  fs::remove(port_file, ec);
  std::vector<std::string> argv = {binary_, "--data-dir", data_dir_, "--listen", "127.0.0.1:0", "--port-file",
                                   port_file};
  argv.insert(argv.end(), flags.begin(), flags.end());
  command_line_ = absl::StrJoin(argv, " ");
  child_ = std::make_unique<ChildProcess>();
  if (absl::Status s = child_->Spawn(argv, log_file_); !s.ok()) return s;
  auto port = WaitForPortFile(port_file, child_.get(), std::chrono::steady_clock::now() + deadline);
  if (!port.ok()) {
    std::string how = child_->Stop(std::chrono::seconds(2));
    return absl::UnavailableError(absl::StrCat(port.status().message(), " (", how, ")\n", LogTail(8)));
  }
  address_ = absl::StrCat("127.0.0.1:", *port);  // only ever loopback
  return address_;
}

std::string NodeRunner::Stop(std::chrono::seconds grace) {
  if (!child_) return "not started";
  return child_->Stop(grace);
}

// ---- gRPC ---------------------------------------------------------------

namespace {

grpc::ChannelArguments Arguments() {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  arguments.SetMaxReceiveMessageSize(64 << 20);
  return arguments;
}

}  // namespace

std::shared_ptr<grpc::Channel> PlaintextChannel(const std::string& address) {
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), Arguments());
}

std::shared_ptr<grpc::Channel> TlsChannel(const std::string& address, const std::string& root_pem,
                                          const std::string& client_key_pem, const std::string& client_cert_pem) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = root_pem;
  ssl.pem_private_key = client_key_pem;
  ssl.pem_cert_chain = client_cert_pem;
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), Arguments());
}

bool Connect(const std::shared_ptr<grpc::Channel>& channel, std::chrono::seconds timeout) {
  return channel->WaitForConnected(std::chrono::system_clock::now() + timeout);
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token, std::chrono::seconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat(CodeName(status.error_code()), ": ", status.error_message());
}

// ---- identities ---------------------------------------------------------

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string MakeToken(const access::NodeFiles& files, const std::string& subject, v1::Tier tier, v1::Role role,
                      int64_t ttl_seconds) {
  v1::Token claims = access::NewTokenClaims(files.config.node_id(), subject, tier, role, ttl_seconds, NowUnixMillis());
  return access::EncodeToken(claims, files.key);
}

v1::RosterMember MemberOf(const access::NodeFiles& files, v1::Tier max_tier, const std::string& endpoint) {
  v1::RosterMember member;
  member.set_node_id(files.config.node_id());
  member.set_collectivity(files.config.collectivity());
  member.set_public_key(files.key.PublicKey());
  member.set_tls_fingerprint(files.tls_fingerprint);
  member.set_tls_certificate(files.tls_certificate_pem);
  member.set_endpoint(endpoint);
  member.set_max_tier(max_tier);
  return member;
}

}  // namespace bibia::bench
