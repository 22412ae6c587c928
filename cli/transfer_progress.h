// Progress of an artifact push or pull on a terminal: bytes done of the
// total, rate and time left, redrawn on one line at most 5 times a second.
// Silent when not enabled (not a terminal, or --json).
#ifndef BIBIA_CLI_TRANSFER_PROGRESS_H_
#define BIBIA_CLI_TRANSFER_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace bibia::cli {

class TransferProgress {
 public:
  TransferProgress(std::ostream& err, bool enabled, std::string verb, uint64_t total_bytes);
  // Ends the line if one was drawn.
  ~TransferProgress();
  // `bytes` more are done (sent, fetched or found locally).
  void Add(uint64_t bytes);
  double Seconds() const;

 private:
  void Draw(bool last);

  std::ostream& err_;
  const bool enabled_;
  const std::string verb_;
  const uint64_t total_;
  uint64_t done_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace bibia::cli

#endif  // BIBIA_CLI_TRANSFER_PROGRESS_H_
