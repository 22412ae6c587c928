// Running the real binaries from tests: a bibia-node process on an ephemeral
// 127.0.0.1 port, and one-shot commands (the bibia CLI) with captured output.
#ifndef BIBIA_TESTS_INTEGRATION_SUBPROCESS_H_
#define BIBIA_TESTS_INTEGRATION_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace bibia::testing {

struct CommandResult {
  int exit_code = -1;  // -1 if killed by a signal or timed out
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is a path) with stdin from `stdin_text`, waits at most
// `timeout_s` seconds (then SIGKILL), and captures stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                         int timeout_s = 60);

// A fresh directory under the test temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A bibia-node child process. Start() initialises its data directory on first
// use and waits (bounded) until it listens.
class NodeProcess {
 public:
  // `extra_flags` are added to the serve command line.
  NodeProcess(std::string data_dir, std::vector<std::string> extra_flags = {}, std::string node_id = "test-node");
  ~NodeProcess();  // SIGTERM, then SIGKILL after 10 s

  // Starts the node on 127.0.0.1 (the address it had, when restarted; else a
  // free port) and waits for its port file; returns false (with the node's
  // log in `log()`) if it did not listen within 30 s.
  bool Start();
  // SIGKILL: no chance to flush anything not yet durable.
  void Kill9();
  // SIGTERM and wait; returns the exit code (-1 if it had to be killed).
  int Stop();

  // A token of this node from `bibia-node token issue` ("" on failure).
  std::string IssueToken(const std::string& tier, const std::string& role, const std::string& ttl = "1h") const;
  // CLI flags that reach this node over TLS with `token` ("" for anonymous).
  std::vector<std::string> CliFlags(const std::string& token) const;

  const std::string& address() const { return address_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& node_id() const { return node_id_; }
  std::string certificate_file() const { return data_dir_ + "/tls.crt"; }
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  bool StartOn(const std::string& listen);

  std::string data_dir_;
  std::vector<std::string> extra_flags_;
  std::string node_id_;
  std::string port_file_;
  std::string log_file_;
  std::string address_;
  pid_t pid_ = -1;
};

// Paths of the binaries under test, set by CMake.
std::string NodeBinary();
std::string CliBinary();
std::string DemoCatalogue();

}  // namespace bibia::testing

#endif  // BIBIA_TESTS_INTEGRATION_SUBPROCESS_H_
