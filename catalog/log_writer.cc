#include "catalog/log_writer.h"

#include <openssl/evp.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "catalog/keys.h"

namespace bibia::catalog {

std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

absl::StatusOr<std::unique_ptr<LogWriter>> LogWriter::Load(Db* db, std::string origin, Clock* clock) {
  auto writer = std::unique_ptr<LogWriter>(new LogWriter(db, std::move(origin), clock));
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    auto frontier = db->Get(Family::kFrontier, FrontierKey(writer->origin_, tier));
    if (!frontier.ok()) return frontier.status();
    if (!frontier->has_value()) continue;
    if ((*frontier)->size() != 8) return absl::DataLossError("frontier value is not 8 bytes");
    uint64_t seq = DecodeBigEndian64(**frontier);
    auto last = db->Get(Family::kLog, LogKey(writer->origin_, tier, seq));
    if (!last.ok()) return last.status();
    v1::LogEntry entry;
    if (!last->has_value() || !entry.ParseFromString(**last)) {
      return absl::DataLossError(absl::StrCat("log of ", writer->origin_, " tier ", v1::Tier_Name(tier),
                                              ": entry ", seq, " named by the frontier is missing"));
    }
    writer->heads_[tier] = LogChanges::Head{seq, Sha256(**last)};
    writer->hlc_ = std::max(writer->hlc_, entry.hlc_time());
  }
  return writer;
}

LogChanges LogWriter::Begin() const {
  LogChanges changes;
  changes.heads = heads_;
  changes.hlc = hlc_;
  return changes;
}

uint64_t LogWriter::Stage(v1::Tier tier, std::string_view key, const std::string* payload, LogChanges* changes,
                          rocksdb::WriteBatch* batch) const {
  // Hybrid logical clock: physical milliseconds in the high bits, a counter in
  // the low 16, never going backwards even if the wall clock does.
  changes->hlc = std::max(clock_->NowMillis() << 16, changes->hlc + 1);
  LogChanges::Head& head = changes->heads[tier];
  v1::LogEntry entry;
  entry.set_origin(origin_);
  entry.set_tier(tier);
  entry.set_seq(head.seq + 1);
  entry.set_hlc_time(changes->hlc);
  entry.set_key(std::string(key));
  if (payload != nullptr) {
    entry.set_payload(*payload);
  } else {
    entry.set_tombstone(true);
  }
  entry.set_prev_hash(head.hash);
  std::string bytes = entry.SerializeAsString();
  head.seq = entry.seq();
  head.hash = Sha256(bytes);
  changes->touched = true;
  batch->Put(db_->family(Family::kLog), LogKey(origin_, tier, head.seq), bytes);
  std::string frontier;
  AppendBigEndian64(&frontier, head.seq);
  batch->Put(db_->family(Family::kFrontier), FrontierKey(origin_, tier), frontier);
  return head.seq;
}

void LogWriter::Commit(const LogChanges& changes) {
  if (!changes.touched) return;
  heads_ = changes.heads;
  hlc_ = changes.hlc;
}

}  // namespace bibia::catalog
