#include "cli/sync_progress.h"

#include <chrono>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/channel.h"
#include "grpcpp/client_context.h"

namespace bibia::cli {

std::string SyncProgressLine(uint64_t applied, double seconds) {
  return absl::StrCat("syncing: ", applied, applied == 1 ? " entry" : " entries",
                      " applied (", absl::StrFormat("%.1f", seconds), " s)");
}

uint64_t FrontierTotal(const v1::FederationStatusResponse& status) {
  uint64_t total = 0;
  for (const v1::FrontierEntry& entry : status.frontier()) total += entry.seq();
  return total;
}

SyncProgress::SyncProgress(v1::Peers::StubInterface& stub, const GlobalOptions& options, std::ostream& err)
    : stub_(stub), options_(options), err_(err) {
  // The starting point is read before the round begins, so that every entry
  // the round applies is counted.
  if (std::optional<uint64_t> start = Poll()) {
    watcher_ = std::thread([this, start = *start] { Watch(start); });
  }
}

SyncProgress::~SyncProgress() { Stop(); }

void SyncProgress::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    // A node that stopped answering must not hold the round's result back
    // for a poll's deadline.
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  stop_requested_.notify_all();
  if (!watcher_.joinable()) return;
  watcher_.join();
  if (shown_) err_ << "\r\033[K" << std::flush;  // the round's result replaces the line
}

std::optional<uint64_t> SyncProgress::Poll() {
  grpc::ClientContext context;
  PrepareCall(context, options_);
  // A poll must never hold the watcher long after the round ended.
  context.set_deadline(std::min(context.deadline(), std::chrono::system_clock::now() + std::chrono::seconds(2)));
  {
    std::lock_guard lock(mu_);
    if (stop_) return std::nullopt;
    in_flight_ = &context;
  }
  v1::FederationStatusResponse status;
  const grpc::Status answer = stub_.Status(&context, v1::FederationStatusRequest(), &status);
  {
    std::lock_guard lock(mu_);
    in_flight_ = nullptr;
  }
  if (!answer.ok()) return std::nullopt;
  return FrontierTotal(status);
}

void SyncProgress::Watch(uint64_t start) {
  const auto began = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  if (stop_requested_.wait_for(lock, std::chrono::milliseconds(kQuietMs), [&] { return stop_; })) return;
  uint64_t applied = 0;
  while (true) {
    lock.unlock();
    const std::optional<uint64_t> total = Poll();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    lock.lock();
    if (stop_) return;
    // A failed poll keeps the last count but still moves the clock: a line
    // that froze would look like a hung command.
    if (total.has_value()) applied = *total > start ? *total - start : 0;
    err_ << "\r" << SyncProgressLine(applied, seconds) << "\033[K" << std::flush;
    shown_ = true;
    if (stop_requested_.wait_for(lock, std::chrono::milliseconds(kPollMs), [&] { return stop_; })) return;
  }
}

}  // namespace bibia::cli
