#include "catalog/log_writer.h"

#include <openssl/evp.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace bibia::catalog {

std::string Sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string EntryHash(const v1::LogEntry& entry) {
  v1::LogEntry covered = entry;
  covered.clear_payload();
  covered.clear_signature();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    covered.SerializeToCodedStream(&out);
  }
  return Sha256(bytes);
}

absl::StatusOr<LogHead> ReadLogHead(const Db& db, std::string_view origin, v1::Tier tier) {
  LogHead head;
  auto frontier = db.Get(Family::kFrontier, FrontierKey(origin, tier));
  if (!frontier.ok()) return frontier.status();
  if (!frontier->has_value()) return head;
  if ((*frontier)->size() != 8) return absl::DataLossError("frontier value is not 8 bytes");
  head.seq = DecodeBigEndian64(**frontier);
  auto last = db.Get(Family::kLog, LogKey(origin, tier, head.seq));
  if (!last.ok()) return last.status();
  v1::LogEntry entry;
  if (!last->has_value() || !entry.ParseFromString(**last)) {
    return absl::DataLossError(absl::StrCat("log of ", std::string(origin), " tier ", v1::Tier_Name(tier), ": entry ",
                                            head.seq, " named by the frontier is missing"));
  }
  head.hash = EntryHash(entry);
  return head;
}

absl::StatusOr<std::unique_ptr<LogWriter>> LogWriter::Load(Db* db, std::string origin, Clock* clock,
                                                           const Signer* signer) {
  auto writer = std::unique_ptr<LogWriter>(new LogWriter(db, std::move(origin), clock, signer));
  for (v1::Tier tier : {v1::TIER_PUBLIC, v1::TIER_RESTRICTED, v1::TIER_EXPERT}) {
    auto head = ReadLogHead(*db, writer->origin_, tier);
    if (!head.ok()) return head.status();
    writer->heads_[tier] = *head;
    if (head->seq == 0) continue;
    auto last = db->Get(Family::kLog, LogKey(writer->origin_, tier, head->seq));
    v1::LogEntry entry;
    if (last.ok() && last->has_value() && entry.ParseFromString(**last)) {
      writer->hlc_ = std::max(writer->hlc_, entry.hlc_time());
    }
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
                          rocksdb::WriteBatch* batch, bool redaction) const {
  // Hybrid logical clock: physical milliseconds in the high bits, a counter in
  // the low 16, never going backwards even if the wall clock does.
  changes->hlc = std::max(clock_->NowMillis() << 16, changes->hlc + 1);
  LogHead& head = changes->heads[tier];
  v1::LogEntry entry;
  entry.set_origin(origin_);
  entry.set_tier(tier);
  entry.set_seq(head.seq + 1);
  entry.set_hlc_time(changes->hlc);
  entry.set_key(std::string(key));
  if (payload != nullptr) {
    entry.set_payload(*payload);
    entry.set_payload_hash(Sha256(*payload));
  } else {
    entry.set_tombstone(true);
  }
  entry.set_redaction(redaction);
  entry.set_prev_hash(head.hash);
  head.seq = entry.seq();
  head.hash = EntryHash(entry);
  changes->touched = true;
  batch->Put(db_->family(Family::kLog), LogKey(origin_, tier, head.seq), entry.SerializeAsString());
  std::string frontier;
  AppendBigEndian64(&frontier, head.seq);
  batch->Put(db_->family(Family::kFrontier), FrontierKey(origin_, tier), frontier);
  changes->last[tier] = std::move(entry);
  return head.seq;
}

void LogWriter::Finalize(LogChanges* changes, rocksdb::WriteBatch* batch) const {
  if (signer_ == nullptr) return;
  for (auto& last : changes->last) {
    if (!last) continue;
    last->set_signature(signer_->Sign(EntryHash(*last)));
    batch->Put(db_->family(Family::kLog), LogKey(origin_, last->tier(), last->seq()), last->SerializeAsString());
  }
}

void LogWriter::Commit(const LogChanges& changes) {
  if (!changes.touched) return;
  heads_ = changes.heads;
  hlc_ = changes.hlc;
}

}  // namespace bibia::catalog
