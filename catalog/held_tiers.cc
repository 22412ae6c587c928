// Store::HoldTiersUpTo: what a node keeps of other origins follows its
// roster tier down as well as up. A member lowered from expert to public must
// not go on holding (and serving) the restricted and expert data it received
// while it was trusted with them.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "catalog/records.h"
#include "catalog/replica_receiver.h"
#include "catalog/status_macros.h"
#include "catalog/store_batch.h"

namespace bibia::catalog {

absl::StatusOr<Store::DroppedHoldings> Store::HoldTiersUpTo(v1::Tier tier) {
  if (tier == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(tier)) {
    return absl::InvalidArgumentError(absl::StrCat("tier: ", static_cast<int>(tier), " is not a tier"));
  }
  DroppedHoldings dropped;
  {
    absl::MutexLock lock(&write_mu_);
    receiver_->set_held_tier(tier);
    BIBIA_ASSIGN_OR_RETURN(std::vector<v1::FrontierEntry> frontier, Frontier());
    Batch b;
    std::vector<std::string> dropped_logs;  // their frontier keys
    for (const v1::FrontierEntry& log : frontier) {
      if (log.origin() == node_id_ || log.tier() <= tier) continue;
      const std::string prefix = FrontierKey(log.origin(), log.tier());
      std::unique_ptr<rocksdb::Iterator> it = db_->NewScanIterator(Family::kLog);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        b.batch.Delete(db_->family(Family::kLog), it->key());
        ++dropped.entries;
      }
      BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), absl::StrCat("read log of ", log.origin())));
      b.batch.Delete(db_->family(Family::kFrontier), prefix);
      dropped_logs.push_back(prefix);
      ++dropped.logs;
    }
    // Logs, records and frontier are dropped together: no log to drop, no
    // record either (and no scan of every record at each start). A scrub
    // that failed after an earlier drop is retried.
    if (dropped.logs == 0) {
      BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> pending, db_->Get(Family::kMeta, kMetaScrubPending));
      if (pending) BIBIA_RETURN_IF_ERROR(ScrubErased());
      return dropped;
    }
    // Records of the dropped tiers that other origins own; their values were
    // in the logs dropped above.
    for (RecordKind kind : {RecordKind::kRestricted, RecordKind::kFeedback, RecordKind::kExpert,
                            RecordKind::kArtifact, RecordKind::kRestrictedAside, RecordKind::kExpertAside}) {
      const bool aside = kind == RecordKind::kRestrictedAside || kind == RecordKind::kExpertAside;
      const RecordKind facet = aside ? FacetKindOfAside(kind) : kind;
      if (TierOfRecordKind(static_cast<char>(facet)) <= tier) continue;
      const std::string prefix(1, static_cast<char>(kind));
      std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        const std::string_view key(it->key().data(), it->key().size());
        BIBIA_ASSIGN_OR_RETURN(std::string_view origin,
                               RefOrigin(std::string_view(it->value().data(), it->value().size()), key));
        if (origin == node_id_) continue;
        b.batch.Delete(db_->family(Family::kRecords), it->key());
        if (kind == RecordKind::kFeedback) --b.feedback_delta;
        ++dropped.records;
      }
      BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read records"));
    }
    // Only tiers above public are ever dropped: the index held none of it.
    BIBIA_RETURN_IF_ERROR(StageScrubMarker(v1::TIER_RESTRICTED, &b.batch));
    BIBIA_RETURN_IF_ERROR(db_->Write(&b.batch));
    ++manifest_generation_;  // manifests of the dropped tiers went: their chunks are collectable
    receiver_->LogsDropped(std::move(dropped_logs));
    feedback_count_ += b.feedback_delta;
    // The dropped payloads are still in the write-ahead log and SST files (a
    // crash before the scrub ends scrubs at the next Open). Under the lock,
    // as after a redaction: no other write sets the marker this one clears.
    BIBIA_RETURN_IF_ERROR(ScrubErased());
  }
  return dropped;
}

}  // namespace bibia::catalog
