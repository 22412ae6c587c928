#include "tests/integration/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace bibia::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& in_path, const std::string& out_path,
            const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits up to `timeout` for `pid`; returns its exit code, or -1 if it was
// killed by a signal or had to be killed at the deadline.
int WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (r < 0) return -1;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string NodeBinary() { return BIBIA_NODE_BINARY; }
std::string CliBinary() { return BIBIA_CLI_BINARY; }
std::string DemoCatalogue() { return BIBIA_DEMO_CATALOGUE; }

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "bibia-test-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  path_ = made ? made : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_text, int timeout_s) {
  TempDir io;
  const std::string in = io.path() + "/in", out = io.path() + "/out", err = io.path() + "/err";
  std::ofstream(in) << stdin_text;
  CommandResult result;
  pid_t pid = Spawn(argv, in, out, err);
  if (pid < 0) {
    result.err = "cannot spawn " + argv[0];
    return result;
  }
  result.exit_code = WaitFor(pid, std::chrono::seconds(timeout_s));
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

NodeProcess::NodeProcess(std::string data_dir, std::vector<std::string> extra_flags, std::string node_id)
    : data_dir_(std::move(data_dir)), extra_flags_(std::move(extra_flags)), node_id_(std::move(node_id)) {
  port_file_ = data_dir_ + ".port";
  log_file_ = data_dir_ + ".log";
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) Stop();
}

std::string NodeProcess::IssueToken(const std::string& tier, const std::string& role, const std::string& ttl) const {
  CommandResult r = RunCommand({NodeBinary(), "token", "issue", "--data-dir", data_dir_, "--subject",
                                tier + "-" + role + "@" + node_id_, "--tier", tier, "--role", role, "--ttl", ttl});
  if (r.exit_code != 0 || r.out.empty()) return "";
  return r.out.substr(0, r.out.find('\n'));
}

std::vector<std::string> NodeProcess::CliFlags(const std::string& token) const {
  std::vector<std::string> flags = {"--node", address_, "--ca", certificate_file()};
  if (!token.empty()) {
    flags.push_back("--token");
    flags.push_back(token);
  }
  return flags;
}

bool NodeProcess::Start() {
  // A restarted node listens where it did, as a real one would: its peers
  // and the roster still name that address. If someone took the port since,
  // it picks another.
  if (!address_.empty() && StartOn(address_)) return true;
  return StartOn("127.0.0.1:0");
}

bool NodeProcess::StartOn(const std::string& listen) {
  std::filesystem::remove(port_file_);
  if (!std::filesystem::exists(data_dir_ + "/node.conf")) {
    CommandResult init = RunCommand({NodeBinary(), "init", "--data-dir", data_dir_, "--id", node_id_,
                                     "--collectivity", "Ville de " + node_id_});
    if (init.exit_code != 0) {
      std::ofstream(log_file_, std::ios::app) << "init failed: " << init.err;
      return false;
    }
  }
  std::vector<std::string> argv = {NodeBinary(), "--data-dir", data_dir_, "--listen", listen,
                                   "--port-file", port_file_};
  argv.insert(argv.end(), extra_flags_.begin(), extra_flags_.end());
  // No web page unless the test asks for one (the default address is one
  // per machine).
  if (std::find(extra_flags_.begin(), extra_flags_.end(), "--http") == extra_flags_.end()) {
    argv.push_back("--no-http");
  }
  pid_ = Spawn(argv, "/dev/null", "/dev/null", log_file_);
  if (pid_ < 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string content = ReadFile(port_file_);
    if (!content.empty() && content.back() == '\n') {
      address_ = content.substr(0, content.size() - 1);
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited before listening
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Stop();
  return false;
}

void NodeProcess::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int NodeProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int code = WaitFor(pid_, std::chrono::seconds(10));
  pid_ = -1;
  return code;
}

std::string NodeProcess::log() const { return ReadFile(log_file_); }

}  // namespace bibia::testing
