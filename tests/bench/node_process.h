// Running bibia-node as a child process for the end-to-end part of the
// benchmark: spawn, wait for its port file, read its memory, stop it. Every
// wait is bounded.
#ifndef BIBIA_TESTS_BENCH_NODE_PROCESS_H_
#define BIBIA_TESTS_BENCH_NODE_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bibia::bench {

class ChildProcess {
 public:
  ChildProcess() = default;
  // Kills (SIGKILL) and reaps the child if it is still running.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] with `argv`, stdin from /dev/null, stdout and stderr
  // appended to `log_path`.
  absl::Status Spawn(const std::vector<std::string>& argv, const std::string& log_path);

  pid_t pid() const { return pid_; }
  // True while the child has not exited (reaps it without blocking).
  bool Running();
  // How the child ended, e.g. "exit code 1" or "signal 9"; "" while running.
  const std::string& exit_description() const { return exit_description_; }

  // SIGTERM, then up to `grace` for it to exit, then SIGKILL (and up to 5 s
  // more). Returns how it ended and how long it took.
  std::string Stop(std::chrono::milliseconds grace);

 private:
  pid_t pid_ = -1;
  bool reaped_ = true;
  std::string exit_description_;
};

// Waits (until `deadline`) for `port_file` to hold "HOST:PORT" and returns the
// port. Fails early if `child` exits.
absl::StatusOr<int> WaitForPortFile(const std::string& port_file, ChildProcess* child,
                                    std::chrono::steady_clock::time_point deadline);

// A "kB" line of /proc/PID/status ("VmRSS", "VmHWM") in KiB, or -1.
int64_t ProcStatusKib(pid_t pid, const std::string& field);
// CPU time (user + system) process `pid` has used so far, in nanoseconds
// (clock-tick resolution), or -1 if it cannot be read.
int64_t ProcCpuNanos(pid_t pid);
// Minor page faults of process `pid` so far (each a page it touched first:
// on a virtual machine, a sizeable cost), or -1 if it cannot be read.
int64_t ProcMinorFaults(pid_t pid);

// Last `max_lines` lines of a text file (for error reports).
std::string TailOfFile(const std::string& path, int max_lines);

}  // namespace bibia::bench

#endif  // BIBIA_TESTS_BENCH_NODE_PROCESS_H_
