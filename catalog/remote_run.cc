#include "catalog/remote_run.h"

#include <utility>

namespace bibia::catalog {

void TrackErased(const LogEntryView& e, absl::flat_hash_set<std::string>* awaiting) {
  // Only a redaction that still holds its value vouches for the erased
  // payloads before it: one erased in turn (by a later redaction) waits like
  // any other, or a relay could strip the last one and leave the record no
  // value at all.
  if (e.stripped()) {
    awaiting->insert(std::string(e.key));
  } else if (e.redaction) {
    awaiting->erase(std::string(e.key));
  }
}

bool PendingRun::Add(std::string&& serialized, const LogEntryView& view) {
  TrackErased(view, &awaiting_);
  const bool signed_entry = !view.signature.empty();
  bytes_ += serialized.size();
  entries_.push_back(std::move(serialized));
  return signed_entry && awaiting_.empty();
}

std::vector<std::string> PendingRun::Take() {
  awaiting_.clear();
  bytes_ = 0;
  return std::exchange(entries_, {});
}

}  // namespace bibia::catalog
