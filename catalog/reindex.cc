// Store::RebuildIndex: re-indexing a store whose search index is of
// an older format (SearchIndex::stale), once, on open.
#include <string>

#include "catalog/store.h"
#include "catalog/keys.h"
#include "catalog/records.h"
#include "catalog/status_macros.h"

namespace bibia::catalog {
namespace {

constexpr int64_t kReindexBatch = 1000;

}  // namespace

absl::Status Store::RebuildIndex(const std::function<void(int64_t, int64_t)>& progress) {
  const std::string prefix(1, static_cast<char>(RecordKind::kPublic));
  int64_t total = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++total;
    if (!it->status().ok()) return FromRocks(it->status(), "count projects to re-index");
  }
  {
    rocksdb::WriteBatch clear;
    index_->StageClear(&clear);
    BIBIA_RETURN_IF_ERROR(db_->Write(&clear));
  }
  BIBIA_ASSIGN_OR_RETURN(index_, SearchIndex::Load(db_.get()));

  int64_t done = 0;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  it->Seek(prefix);
  while (true) {
    IndexChanges changes;
    int64_t in_batch = 0;
    for (; it->Valid() && it->key().starts_with(prefix) && in_batch < kReindexBatch; it->Next()) {
      BIBIA_ASSIGN_OR_RETURN(std::optional<v1::StoredRecord> record,
                             ReadRecord(*db_, std::string_view(it->key().data(), it->key().size())));
      if (!record || !record->has_public_()) continue;
      index_->StageUpsert(nullptr, record->public_(), &changes);
      ++in_batch;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "read projects to re-index");
    if (in_batch == 0) break;
    rocksdb::WriteBatch batch;
    index_->Flush(&changes, &batch);
    BIBIA_RETURN_IF_ERROR(db_->Write(&batch));
    index_->Apply(changes);
    done += in_batch;
    if (progress) progress(done, total);
  }
  rocksdb::WriteBatch stamp;
  index_->StageFormat(&stamp);
  BIBIA_RETURN_IF_ERROR(db_->Write(&stamp));
  BIBIA_ASSIGN_OR_RETURN(index_, SearchIndex::Load(db_.get()));
  if (progress && done == 0) progress(0, total);
  return absl::OkStatus();
}

}  // namespace bibia::catalog
