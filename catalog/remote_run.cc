#include "catalog/remote_run.h"

#include <utility>

namespace bibia::catalog {
namespace {

// An entry whose payload was erased by a redaction (not a tombstone).
bool IsStripped(const v1::LogEntry& e) { return e.payload().empty() && !e.tombstone(); }

}  // namespace

void TrackErased(const v1::LogEntry& e, absl::flat_hash_set<std::string>* awaiting) {
  if (e.redaction()) awaiting->erase(e.key());
  if (IsStripped(e) && !e.redaction()) awaiting->insert(e.key());
}

bool RunIsVerifiable(const std::vector<v1::LogEntry>& entries) {
  if (entries.empty() || entries.back().signature().empty()) return false;
  absl::flat_hash_set<std::string> awaiting;  // keys of stripped entries not yet followed by their redaction
  for (const v1::LogEntry& e : entries) TrackErased(e, &awaiting);
  return awaiting.empty();
}

bool PendingRun::Add(v1::LogEntry entry) {
  TrackErased(entry, &awaiting_);
  entries_.push_back(std::move(entry));
  return !entries_.back().signature().empty() && awaiting_.empty();
}

std::vector<v1::LogEntry> PendingRun::Take() {
  awaiting_.clear();
  return std::exchange(entries_, {});
}

}  // namespace bibia::catalog
