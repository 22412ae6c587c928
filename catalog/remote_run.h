// Runs of log entries received from a peer, on their way into the store:
// buffered until they can be verified, then verified on their own (without
// the store's writer lock, so a receiver can verify one run while it applies
// the previous one), then applied by ReplicaReceiver::ApplyVerified. Entries stay
// in the bytes they arrived in, which are also what the log family stores.
#ifndef BIBIA_CATALOG_REMOTE_RUN_H_
#define BIBIA_CATALOG_REMOTE_RUN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "bibia/v1/storage.pb.h"
#include "google/protobuf/arena.h"
#include "catalog/log_entry_view.h"
#include "catalog/search_index.h"

namespace bibia::catalog {

// Keeps `awaiting` the keys of erased payloads not yet followed by a
// redaction that holds its value, through the entries of a run in order.
void TrackErased(const LogEntryView& entry, absl::flat_hash_set<std::string>* awaiting);

// Entries of one (origin, tier), serialized as received, buffered until they
// can be verified: the last one is signed and every erased payload among them
// is followed by the redaction of its record. Checked as they arrive instead
// of rescanning the buffer for each one.
class PendingRun {
 public:
  // Adds the next entry, `serialized`, which `view` was read from: the view
  // is read first, then the string moved in (a short string's characters
  // move with it). Returns true if the buffered run is now verifiable.
  bool Add(std::string&& serialized, const LogEntryView& view);
  // Hands over the buffered entries and starts an empty run.
  std::vector<std::string> Take();
  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  std::vector<std::string> entries_;
  size_t bytes_ = 0;
  absl::flat_hash_set<std::string> awaiting_;  // keys of stripped entries not yet redacted
};

// A run that passed every check that needs nothing but the run and the
// origin's key: one (origin, tier), seqs consecutive, each prev_hash the hash
// of the entry before, payloads matching their hashes, erased payloads vouched
// for by a redaction, the last entry's signature valid. Its payloads are
// parsed and its public facets tokenized (into grouped_). How it joins the stored chain is
// checked when it is applied. Movable: the views stay valid.
class VerifiedRun {
 public:
  const std::string& origin() const { return origin_; }
  v1::Tier tier() const { return tier_; }
  size_t size() const { return items_.size(); }
  // Replica::drop_generation() when the sync that brought this run
  // began (read before its frontier). A run of a log dropped since then
  // that no longer joins its log is skipped, not rejected. Unset: never.
  void set_sync_drop_generation(uint64_t generation) { sync_drop_generation_ = generation; }

  // One entry, ready to apply (filled by ReplicaReceiver::VerifyRemote).
  struct Item {
    LogEntryView entry;  // into the run's serialized_ entry of the same index
    const v1::StoredRecord* record = nullptr;  // parsed payload, on arena_ (null: tombstone or erased payload)
    uint32_t length = 0;  // of a public facet, weighted, as the index counts it
  };

 private:
  friend class ReplicaReceiver;

  std::string origin_;
  v1::Tier tier_ = v1::TIER_UNSPECIFIED;
  std::string first_prev_hash_;  // must be the stored head's hash
  std::string last_hash_;  // EntryHash of the last entry: the head once applied
  bool has_redaction_ = false;
  uint64_t sync_drop_generation_ = UINT64_MAX;
  // The entries as received, which the log family stores as they are. Each
  // string stays where it is when the run moves, so the views into it do too.
  std::vector<std::string> serialized_;
  std::vector<Item> items_;
  GroupedTerms grouped_;  // the public facets' terms, by term (slots: item indexes)
  // Holds the parsed records: freeing a run is then freeing a few blocks.
  std::unique_ptr<google::protobuf::Arena> arena_ = std::make_unique<google::protobuf::Arena>();
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_REMOTE_RUN_H_
