#include "cli/transfer_progress.h"

#include "absl/strings/str_format.h"
#include "cli/text_format.h"

namespace bibia::cli {

TransferProgress::TransferProgress(std::ostream& err, bool enabled, std::string verb, uint64_t total_bytes)
    : err_(err), enabled_(enabled), verb_(std::move(verb)), total_(total_bytes) {}

TransferProgress::~TransferProgress() {
  if (drawn_) Draw(true);
}

double TransferProgress::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void TransferProgress::Add(uint64_t bytes) {
  done_ += bytes;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  Draw(false);
}

void TransferProgress::Draw(bool last) {
  const double seconds = Seconds();
  const double rate = seconds > 0 ? done_ / seconds : 0;
  std::string eta = "-";
  if (rate > 0 && total_ >= done_) eta = absl::StrFormat("%.0fs", (total_ - done_) / rate);
  err_ << absl::StrFormat("\r%s %s / %s  %s/s  ETA %s   ", verb_, FormatBytes(static_cast<int64_t>(done_)),
                          FormatBytes(static_cast<int64_t>(total_)), FormatBytes(static_cast<int64_t>(rate)), eta);
  if (last) err_ << "\n";
  err_.flush();
  drawn_ = true;
}

}  // namespace bibia::cli
