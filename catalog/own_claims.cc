// Store's own claims where they meet other members': withdrawing this
// node's later claim of an id another member's earlier claim owns here, and
// holding aside the facet another member wrote under this node's project
// (the receiver's side of facets held aside: facets_aside.cc).
#include <optional>
#include <string>
#include <string_view>

#include "catalog/keys.h"
#include "catalog/records.h"
#include "catalog/replica_receiver.h"
#include "catalog/status_macros.h"
#include "catalog/store.h"
#include "catalog/store_batch.h"

namespace bibia::catalog {

absl::StatusOr<bool> Store::WithdrawOwnClaim(const std::string& id) {
  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> claim,
                         db_->Get(Family::kRecords, AsideKey(RecordKind::kPublic, id, node_id_)));
  if (!claim) return false;
  rocksdb::ColumnFamilyHandle* records = db_->family(Family::kRecords);
  Batch b;
  b.log = log_->Begin();
  for (RecordKind kind : {RecordKind::kPublic, RecordKind::kRestricted, RecordKind::kExpert}) {
    const std::string key = RecordKey(kind, id);
    const std::string aside = AsideKey(kind, id, node_id_);
    BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> held, db_->Get(Family::kRecords, aside));
    bool in_place = false;  // a facet of this node's where the project's are (no owner's facet took it)
    if (!held && kind != RecordKind::kPublic) {
      BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> ref, db_->Get(Family::kRecords, key));
      if (ref) {
        BIBIA_ASSIGN_OR_RETURN(std::string_view origin, RefOrigin(*ref, key));
        in_place = origin == node_id_;
      }
    }
    if (!held && !in_place) continue;
    log_->Stage(TierOfRecordKind(static_cast<char>(kind)), key, nullptr, &b.log, &b.batch);
    b.batch.Delete(records, held ? aside : key);
  }
  BIBIA_RETURN_IF_ERROR(Commit(&b));
  return true;
}

absl::Status Store::HoldOtherMembersFacetAside(RecordKind kind, const std::string& id, Batch* b) {
  const std::string key = RecordKey(kind, id);
  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> ref, db_->Get(Family::kRecords, key));
  if (!ref) return absl::OkStatus();
  BIBIA_ASSIGN_OR_RETURN(std::string_view origin, RefOrigin(*ref, key));
  if (origin == node_id_) return absl::OkStatus();
  b->batch.Put(db_->family(Family::kRecords), AsideKey(kind, id, origin), *ref);
  receiver_->NoteAside(id);
  return absl::OkStatus();
}

}  // namespace bibia::catalog
