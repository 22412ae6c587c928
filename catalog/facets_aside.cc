// The receiver's facets held aside: a facet whose origin does not own its
// project on this node, kept under its origin (AsideKey) until it does, so
// that which member owns a project, and what a node shows for it, do not
// depend on the order the members' logs arrived in.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "catalog/ownership_rules.h"
#include "catalog/records.h"
#include "catalog/replica_receiver.h"
#include "catalog/remote_group.h"
#include "catalog/status_macros.h"

namespace bibia::catalog {

absl::Status ReplicaReceiver::LoadAsideIds() {
  for (RecordKind kind : {RecordKind::kPublicAside, RecordKind::kRestrictedAside, RecordKind::kExpertAside}) {
    const std::string prefix(1, static_cast<char>(kind));
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      aside_ids_.emplace(key.substr(1, key.find('/') - 1));
    }
    BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read facets held aside"));
  }
  return absl::OkStatus();
}

void ReplicaReceiver::NoteAside(std::string_view id) { aside_ids_.emplace(id); }

void ReplicaReceiver::StageAside(const VerifiedRun::Item& item, RemoteGroup* group) {
  const LogEntryView& e = item.entry;
  const std::string_view id = e.key.substr(1);
  if (e.tombstone) {
    std::string aside_key = AsideKey(static_cast<RecordKind>(e.key[0]), id, e.origin);
    group->batch.batch.Delete(db_->family(Family::kRecords), aside_key);
    group->asides[std::move(aside_key)] = RemoteGroup::Aside{};
    return;
  }
  if (!item.record) return;  // erased: a later entry of the run restates the value
  HoldAside(static_cast<RecordKind>(e.key[0]), id, e.origin, RecordRef(e.origin, e.tier, e.seq), group, item.record);
}

void ReplicaReceiver::HoldAside(RecordKind kind, std::string_view id, std::string_view origin, std::string ref,
                             RemoteGroup* group, const v1::StoredRecord* record) {
  std::string aside_key = AsideKey(kind, id, origin);
  group->batch.batch.Put(db_->family(Family::kRecords), aside_key, ref);
  if (record == nullptr) record = OwnerOf(ref, group);
  group->asides[std::move(aside_key)] = RemoteGroup::Aside{std::move(ref), record};
  aside_ids_.emplace(id);
}

absl::Status ReplicaReceiver::CheckClaimKept(const VerifiedRun::Item& item, const v1::StoredRecord* own,
                                          RemoteGroup* group) {
  const LogEntryView& e = item.entry;
  const std::string_view id = e.key.substr(1);
  std::optional<int64_t> before;
  if (own != nullptr) {
    before = own->claimed_hlc();
  } else if (MayHoldAside(id)) {
    const std::string aside_key = AsideKey(RecordKind::kPublic, id, e.origin);
    if (auto it = group->asides.find(aside_key); it != group->asides.end()) {
      if (!it->second.ref.empty() && it->second.record != nullptr) before = it->second.record->claimed_hlc();
    } else {
      BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> held, ReadRecord(*db_, aside_key));
      if (held) before = held->claimed_hlc();
    }
  }
  if (!before || *before == item.record->claimed_hlc()) return absl::OkStatus();
  return absl::DataLossError(DescribeEntry(
      e, absl::StrCat("claims its project id from ", item.record->claimed_hlc(), " where the origin's facet before it ",
                      "claimed it from ", *before, " (a claim changes only with a deletion)")));
}

absl::StatusOr<const v1::StoredRecord*> ReplicaReceiver::PromoteEarliestClaim(std::string_view id,
                                                                         RemoteGroup* group) {
  if (!MayHoldAside(id)) return nullptr;
  // The claims held aside, as stored and then as this group leaves them.
  std::string prefix = RecordKey(RecordKind::kPublicAside, id);
  prefix.push_back('/');
  absl::flat_hash_map<std::string, RemoteGroup::Aside> claims;
  {
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string key = it->key().ToString();
      if (group->asides.contains(key)) continue;
      BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> record, ReadRecord(*db_, key));
      if (!record) continue;
      claims[std::move(key)] = RemoteGroup::Aside{it->value().ToString(), &group->read_back.emplace_back(*record)};
    }
    BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read claims held aside"));
  }
  for (const auto& [key, aside] : group->asides) {
    if (absl::StartsWith(key, prefix) && !aside.ref.empty()) claims[key] = aside;
  }
  const std::pair<const std::string, RemoteGroup::Aside>* earliest = nullptr;
  for (const auto& claim : claims) {
    if (earliest == nullptr || ClaimsBefore(*claim.second.record, *earliest->second.record)) earliest = &claim;
  }
  if (earliest == nullptr) return nullptr;
  const std::string& aside_key = earliest->first;
  const v1::StoredRecord* heir = earliest->second.record;
  rocksdb::ColumnFamilyHandle* records = db_->family(Family::kRecords);
  const std::string& key = group->keys.emplace_back(RecordKey(RecordKind::kPublic, id));
  group->batch.batch.Put(records, key, earliest->second.ref);
  group->staged[absl::string_view(key.data(), key.size())] = heir;
  group->batch.batch.Delete(records, aside_key);
  const std::string origin = heir->origin();
  group->asides[aside_key] = RemoteGroup::Aside{};
  BIBIA_RETURN_IF_ERROR(PromoteAsides(origin, id, group));
  return heir;
}

const v1::StoredRecord* ReplicaReceiver::OwnerOf(std::string_view ref, RemoteGroup* group) {
  // A staged record of these kinds is read for its owner and seq alone.
  v1::StoredRecord& owner = group->read_back.emplace_back();
  if (std::optional<LogKeyParts> parts = ParseLogKey(ref)) {
    owner.set_origin(std::move(parts->origin));
    owner.set_seq(parts->seq);
  }
  return &owner;
}

absl::Status ReplicaReceiver::PromoteAsides(std::string_view origin, std::string_view id, RemoteGroup* group) {
  rocksdb::ColumnFamilyHandle* records = db_->family(Family::kRecords);
  for (RecordKind kind : {RecordKind::kRestricted, RecordKind::kExpert}) {
    if (TierOfRecordKind(static_cast<char>(kind)) > held_tier_) continue;
    std::string aside_key = AsideKey(kind, id, origin);
    RemoteGroup::Aside aside;
    if (auto it = group->asides.find(aside_key); it != group->asides.end()) {
      aside = it->second;
    } else {
      BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> ref, db_->Get(Family::kRecords, aside_key));
      if (!ref) continue;
      aside = RemoteGroup::Aside{*ref, OwnerOf(*ref, group)};
    }
    if (aside.ref.empty()) continue;  // deleted by this group
    const std::string& key = group->keys.emplace_back(RecordKey(kind, id));
    // Whatever another member holds in its place goes aside in turn.
    const absl::string_view map_key(key.data(), key.size());
    if (auto it = group->staged.find(map_key); it != group->staged.end()) {
      if (it->second != nullptr && it->second->origin() != origin) {
        HoldAside(kind, id, it->second->origin(),
                  RecordRef(it->second->origin(), TierOfRecordKind(static_cast<char>(kind)), it->second->seq()), group);
      }
    } else {
      BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> current, db_->Get(Family::kRecords, key));
      if (current) {
        BIBIA_ASSIGN_OR_RETURN(std::string_view holder, RefOrigin(*current, key));
        if (holder != origin) HoldAside(kind, id, holder, *current, group);
      }
    }
    group->batch.batch.Put(records, key, aside.ref);
    group->staged[absl::string_view(key.data(), key.size())] = aside.record;
    group->batch.batch.Delete(records, aside_key);
    group->asides[std::move(aside_key)] = RemoteGroup::Aside{};
  }
  return absl::OkStatus();
}

}  // namespace bibia::catalog
