// A serialized LogEntry read in place, as a peer sends it and the log family
// stores it: views into its bytes, nothing copied or allocated. A receiver
// verifies and stores the very bytes it hashed, so no entry is parsed into a
// message or serialized again on its way from one node's log to another's.
#ifndef BIBIA_CATALOG_LOG_ENTRY_VIEW_H_
#define BIBIA_CATALOG_LOG_ENTRY_VIEW_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bibia/v1/storage.pb.h"

namespace bibia::catalog {

struct LogEntryView {
  std::string_view origin;
  v1::Tier tier = v1::TIER_UNSPECIFIED;
  uint64_t seq = 0;
  int64_t hlc_time = 0;
  std::string_view key;
  std::string_view payload;
  bool tombstone = false;
  std::string_view prev_hash;
  std::string_view signature;
  std::string_view payload_hash;
  bool redaction = false;

  // Where the payload's and the signature's field records lie in the bytes
  // (empty when absent): the entry hash leaves them out.
  std::string_view payload_record;
  std::string_view signature_record;

  // A payload erased by a redaction (not a tombstone).
  bool stripped() const { return payload.empty() && !tombstone; }
};

// Reads `serialized` (which must outlive the view). Strict: every field of
// LogEntry at most once, in field-number order, with its own wire type, no
// other field, no default value written out, varints in their shortest form,
// bools as 1, the tier an int32, the origin ASCII (a node id):
// the bytes SerializeAsString writes for the entry, and only those; anything
// else is DATA_LOSS. A relay therefore cannot slip a second payload past the payload
// hash, nor store bytes the entry hash does not account for.
absl::StatusOr<LogEntryView> ParseLogEntryView(std::string_view serialized);

// EntryHash of the entry `view` was read from (`serialized`).
std::string EntryHashOfView(std::string_view serialized, const LogEntryView& view);

// "entry origin/TIER/seq: problem", for errors about one entry.
std::string DescribeEntry(const LogEntryView& view, std::string_view problem);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_LOG_ENTRY_VIEW_H_
