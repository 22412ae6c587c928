#include "catalog/remote_run.h"

#include <utility>

namespace bibia::catalog {

void TrackErased(const LogEntryView& e, absl::flat_hash_set<std::string>* awaiting) {
  if (e.redaction) awaiting->erase(std::string(e.key));
  if (e.stripped() && !e.redaction) awaiting->insert(std::string(e.key));
}

bool PendingRun::Add(std::string&& serialized, const LogEntryView& view) {
  TrackErased(view, &awaiting_);
  const bool signed_entry = !view.signature.empty();
  entries_.push_back(std::move(serialized));
  return signed_entry && awaiting_.empty();
}

std::vector<std::string> PendingRun::Take() {
  awaiting_.clear();
  return std::exchange(entries_, {});
}

}  // namespace bibia::catalog
