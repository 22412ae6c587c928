#include "catalog/log_writer.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "catalog/keys.h"
#include "catalog/log_entry_view.h"

namespace bibia::catalog {

namespace {

// OpenSSL 3 looks the algorithm up and allocates a context on every
// EVP_Digest call, which costs more than hashing a small entry: the
// algorithm is fetched once, and each thread keeps one context.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const kSha256 = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return kSha256;
}

struct DigestContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Hashes pieces of bytes as one message, in the thread's context (or in one
// of its own if that context is already in use on this thread).
class Sha256Stream {
 public:
  Sha256Stream() {
    ThreadSlot& slot = Slot();
    if (slot.in_use) {
      owned_.reset(EVP_MD_CTX_new());
      ctx_ = owned_.get();
    } else {
      slot.in_use = true;
      ctx_ = slot.ctx.get();
    }
    EVP_DigestInit_ex2(ctx_, Sha256Algorithm(), nullptr);
  }
  ~Sha256Stream() {
    if (!owned_) Slot().in_use = false;
  }
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void Update(std::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  std::string Finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, digest, &length);
    return std::string(reinterpret_cast<char*>(digest), length);
  }

 private:
  struct ThreadSlot {
    std::unique_ptr<EVP_MD_CTX, DigestContextFree> ctx{EVP_MD_CTX_new()};
    bool in_use = false;
  };
  static ThreadSlot& Slot() {
    thread_local ThreadSlot slot;
    return slot;
  }
  std::unique_ptr<EVP_MD_CTX, DigestContextFree> owned_;
  EVP_MD_CTX* ctx_ = nullptr;
};

}  // namespace

std::string Sha256(std::string_view bytes) {
  Sha256Stream sha;
  sha.Update(bytes);
  return sha.Finish();
}

std::string Sha256OfPieces(absl::Span<const std::string_view> pieces) {
  Sha256Stream sha;
  for (std::string_view piece : pieces) sha.Update(piece);
  return sha.Finish();
}

absl::StatusOr<std::string> EntryHashOfSerialized(std::string_view serialized) {
  absl::StatusOr<LogEntryView> view = ParseLogEntryView(serialized);
  if (!view.ok()) return view.status();
  return EntryHashOfView(serialized, *view);
}

std::string EntryHash(const v1::LogEntry& entry) {
  thread_local std::string serialized;
  serialized.clear();
  entry.AppendToString(&serialized);
  // Our own serialization is well-formed.
  return *EntryHashOfSerialized(serialized);
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
  if (!last->has_value()) {
    return absl::DataLossError(absl::StrCat("log of ", std::string(origin), " tier ", v1::Tier_Name(tier), ": entry ",
                                            head.seq, " named by the frontier is missing"));
  }
  // The hash of the stored bytes: what the chain after it was checked against.
  absl::StatusOr<std::string> hash = EntryHashOfSerialized(**last);
  if (!hash.ok()) {
    return absl::DataLossError(absl::StrCat("log of ", std::string(origin), " tier ", v1::Tier_Name(tier), ": entry ",
                                            head.seq, ": ", hash.status().message()));
  }
  head.hash = std::move(*hash);
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

int64_t LogWriter::TakeHlc(LogChanges* changes) const {
  // Hybrid logical clock: physical milliseconds in the high bits, a counter in
  // the low 16, never going backwards even if the wall clock does.
  changes->hlc = std::max(clock_->NowMillis() << 16, changes->hlc + 1);
  return changes->hlc;
}

uint64_t LogWriter::Stage(v1::Tier tier, std::string_view key, const std::string* payload, LogChanges* changes,
                          rocksdb::WriteBatch* batch, bool redaction) const {
  TakeHlc(changes);
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
