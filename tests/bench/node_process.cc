#include "tests/bench/node_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace bibia::bench {
namespace {

std::string Describe(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

}  // namespace

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    for (int i = 0; i < 500 && Running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

absl::Status ChildProcess::Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return absl::InternalError(absl::StrCat("spawn ", argv[0], ": ", std::strerror(rc)));
  pid_ = pid;
  reaped_ = false;
  exit_description_.clear();
  return absl::OkStatus();
}

bool ChildProcess::Running() {
  if (pid_ <= 0 || reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  reaped_ = true;
  exit_description_ = r == pid_ ? Describe(status) : absl::StrCat("waitpid: ", std::strerror(errno));
  return false;
}

std::string ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return absl::StrCat("already ended (", exit_description_, ")");
  const auto start = std::chrono::steady_clock::now();
  kill(pid_, SIGTERM);
  const auto deadline = start + grace;
  while (Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  bool killed = false;
  if (Running()) {
    kill(pid_, SIGKILL);
    killed = true;
    for (int i = 0; i < 500 && Running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (Running()) return absl::StrCat("still running after SIGKILL (pid ", pid_, ")");
  return absl::StrCat(killed ? "did not stop within the grace period: SIGKILL, " : "", exit_description_, " after ",
                      ms.count(), " ms");
}

absl::StatusOr<int> WaitForPortFile(const std::string& port_file, ChildProcess* child,
                                    std::chrono::steady_clock::time_point deadline) {
  std::string last;
  // Bounded twice: by the deadline and by a count (a poll every 2 ms).
  for (int polls = 0; polls < 1000000; ++polls) {
    std::ifstream in(port_file);
    if (in) {
      std::stringstream buffer;
      buffer << in.rdbuf();
      last = buffer.str();
      // A complete file is one line "HOST:PORT\n".
      if (!last.empty() && last.back() == '\n') {
        std::string line = last.substr(0, last.find('\n'));
        size_t colon = line.rfind(':');
        int port = 0;
        if (colon != std::string::npos && absl::SimpleAtoi(line.substr(colon + 1), &port) && port > 0 &&
            port < 65536) {
          return port;
        }
      }
    }
    if (!child->Running()) {
      return absl::UnavailableError(absl::StrCat("the node ended before listening (", child->exit_description(), ")"));
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return absl::DeadlineExceededError(absl::StrCat("no port in ", port_file, " before the deadline",
                                                  last.empty() ? "" : absl::StrCat(" (it holds '", last, "')")));
}

int64_t ProcStatusKib(pid_t pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  const std::string prefix = field + ":";
  for (int i = 0; i < 200 && std::getline(in, line); ++i) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream fields(line.substr(prefix.size()));
    int64_t kib = -1;
    fields >> kib;
    return kib;
  }
  return -1;
}

namespace {

// Fields 3..15 of /proc/PID/stat (after the command name, which is in
// parentheses and may hold spaces), or an empty vector.
std::vector<int64_t> ProcStatFields(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(stat.substr(close + 2));
  std::vector<int64_t> values(16, -1);
  std::string field;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 4) values[i] = std::stoll(field);  // field 3 is the state letter
  }
  return values;
}

}  // namespace

int64_t ProcCpuNanos(pid_t pid) {
  const std::vector<int64_t> f = ProcStatFields(pid);
  if (f.empty() || f[14] < 0 || f[15] < 0) return -1;
  return (f[14] + f[15]) * (1'000'000'000 / sysconf(_SC_CLK_TCK));
}

int64_t ProcMinorFaults(pid_t pid) {
  const std::vector<int64_t> f = ProcStatFields(pid);
  return f.empty() ? -1 : f[10];
}

std::string TailOfFile(const std::string& path, int max_lines) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  std::string line;
  for (int i = 0; i < 1000000 && std::getline(in, line); ++i) {
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > max_lines) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) absl::StrAppend(&out, "    | ", l, "\n");
  return out;
}

}  // namespace bibia::bench
