// A receiver's working state while it stages verified runs into one
// WriteBatch (replica_receiver.cc, facets_aside.cc); a store's deletion of
// its own project is staged the same way. Private to catalog/.
#ifndef BIBIA_CATALOG_REMOTE_GROUP_H_
#define BIBIA_CATALOG_REMOTE_GROUP_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/log_writer.h"
#include "catalog/store_batch.h"

namespace bibia::catalog {

// Verified runs staged into one WriteBatch, to be committed together.
struct RemoteGroup {
  StoreBatch batch;
  std::vector<size_t> members;  // the runs staged, by index
  struct Head {
    LogHead head;
    bool advanced = false;  // by a run of this group: its frontier is written
  };
  absl::flat_hash_map<std::string, Head> heads;  // by FrontierKey
  // Records as the group leaves them so far (null: deleted). Keyed by
  // absl::string_view: Debian's Abseil hashes a std::string_view through
  // std::hash, which showed in profiles of a sync.
  absl::flat_hash_map<absl::string_view, const v1::StoredRecord*> staged;
  // Stored references of the keys the run being staged writes and the group
  // had not staged yet, read in one batch before it (nullopt: absent).
  absl::flat_hash_map<absl::string_view, std::optional<std::string>> stored_refs;
  std::deque<v1::StoredRecord> read_back;  // stored records read for the index, at stable addresses
  std::deque<std::string> keys;  // keys `staged` names that no run's bytes hold, at stable addresses
  // Facets held aside (AsideKey) as the group leaves them: the reference
  // (empty: deleted) and the record.
  struct Aside {
    std::string ref;
    const v1::StoredRecord* record = nullptr;
  };
  absl::flat_hash_map<std::string, Aside> asides;
  std::vector<std::string> deleted_projects;  // public facets deleted: this node's feedback on them goes too
  bool manifests_changed = false;              // an artifact manifest put or deleted: chunk collection is due
  int64_t hlc = 0;
  bool redacted = false;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_REMOTE_GROUP_H_
