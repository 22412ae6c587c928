// Store's token revocations: records of the public log keyed by
// issuer and token id, replicated like any other record.
#include "absl/strings/str_cat.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "catalog/status_macros.h"
#include "catalog/store_batch.h"

namespace bibia::catalog {

absl::Status Store::RevokeToken(const std::string& token_id) {
  if (token_id.empty() || token_id.find('/') != std::string::npos) {
    return absl::InvalidArgumentError("token_id: must be non-empty, without '/'");
  }
  absl::MutexLock lock(&write_mu_);
  const std::string key = RevocationKey(node_id_, token_id);
  BIBIA_ASSIGN_OR_RETURN(auto existing, db_->Get(Family::kRecords, key));
  if (existing) return absl::OkStatus();
  v1::StoredRecord record;
  v1::TokenRevocation* revocation = record.mutable_revocation();
  revocation->set_issuer(node_id_);
  revocation->set_token_id(token_id);
  revocation->set_revoked_unix_ms(options_.clock->NowMillis());
  Batch b;
  b.log = log_->Begin();
  StageRecord(v1::TIER_PUBLIC, key, &record, &b);
  return Commit(&b);
}

absl::StatusOr<bool> Store::IsRevoked(std::string_view issuer, std::string_view token_id) const {
  BIBIA_ASSIGN_OR_RETURN(auto value, db_->Get(Family::kRecords, RevocationKey(issuer, token_id)));
  return value.has_value();
}

absl::StatusOr<std::vector<std::string>> Store::RevokedByThisNode() const {
  const std::string prefix = RevocationKey(node_id_, "");
  std::vector<std::string> ids;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Family::kRecords);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ids.emplace_back(it->key().data() + prefix.size(), it->key().size() - prefix.size());
  }
  BIBIA_RETURN_IF_ERROR(FromRocks(it->status(), "read revocations"));
  return ids;
}

}  // namespace bibia::catalog
