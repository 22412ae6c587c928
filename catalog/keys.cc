#include "catalog/keys.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace bibia::catalog {

const char* FamilyName(Family family) {
  switch (family) {
    case Family::kLog: return "log";
    case Family::kRecords: return "records";
    case Family::kFrontier: return "frontier";
    case Family::kIndex: return "index";
    case Family::kChunks: return "chunks";
    case Family::kAudit: return "audit";
    case Family::kMeta: return "default";
  }
  return "default";
}

void AppendBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

void AppendBigEndian64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t DecodeBigEndian32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

uint64_t DecodeBigEndian64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

std::string RecordKey(RecordKind kind, std::string_view id) {
  std::string key(1, static_cast<char>(kind));
  key.append(id);
  return key;
}

RecordKind AsideKindOf(RecordKind kind) {
  return kind == RecordKind::kExpert   ? RecordKind::kExpertAside
         : kind == RecordKind::kPublic ? RecordKind::kPublicAside
                                       : RecordKind::kRestrictedAside;
}

RecordKind FacetKindOfAside(RecordKind aside_kind) {
  return aside_kind == RecordKind::kExpertAside   ? RecordKind::kExpert
         : aside_kind == RecordKind::kPublicAside ? RecordKind::kPublic
                                                  : RecordKind::kRestricted;
}

std::string AsideKey(RecordKind kind, std::string_view id, std::string_view origin) {
  // '/' cannot occur in a project id: one id's asides are one range.
  std::string key = RecordKey(AsideKindOf(kind), id);
  key.push_back('/');
  key.append(origin);
  return key;
}

std::string RevocationKey(std::string_view issuer, std::string_view token_id) {
  return absl::StrCat(std::string(1, static_cast<char>(RecordKind::kRevocation)), std::string(issuer), "/",
                      std::string(token_id));
}

std::string FeedbackKey(std::string_view project_id, std::string_view feedback_id) {
  std::string key = FeedbackPrefix(project_id);
  key.append(feedback_id);
  return key;
}

bool IsFeedbackIdOf(std::string_view feedback_id, std::string_view origin) {
  if (!feedback_id.starts_with(origin)) return false;
  feedback_id.remove_prefix(origin.size());
  if (!feedback_id.starts_with("-r") || feedback_id.size() == 2) return false;
  feedback_id.remove_prefix(2);
  return std::all_of(feedback_id.begin(), feedback_id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string FeedbackFingerprintKey(std::string_view project_id, std::string_view digest) {
  std::string key = RecordKey(RecordKind::kFeedbackFingerprint, project_id);
  key.push_back('/');
  key.append(digest);
  return key;
}

std::string FeedbackPrefix(std::string_view project_id) {
  // '/' cannot occur in a project id, so one project's range never holds another's.
  std::string key = RecordKey(RecordKind::kFeedback, project_id);
  key.push_back('/');
  return key;
}

v1::Tier TierOfRecordKind(char kind) {
  switch (static_cast<RecordKind>(kind)) {
    case RecordKind::kPublic:
    case RecordKind::kRevocation: return v1::TIER_PUBLIC;
    case RecordKind::kRestricted:
    case RecordKind::kFeedback: return v1::TIER_RESTRICTED;
    case RecordKind::kExpert:
    case RecordKind::kArtifact: return v1::TIER_EXPERT;
    case RecordKind::kPublicAside:
    case RecordKind::kRestrictedAside:
    case RecordKind::kExpertAside:
    case RecordKind::kFeedbackFingerprint: break;
  }
  return v1::TIER_UNSPECIFIED;
}

std::string ArtifactKey(std::string_view project_id, std::string_view name, std::string_view version) {
  std::string key = ArtifactPrefix(project_id, name);
  key.append(version);
  return key;
}

std::string ArtifactPrefix(std::string_view project_id, std::string_view name) {
  std::string key = RecordKey(RecordKind::kArtifact, project_id);
  if (project_id.empty()) return key;
  key.push_back('/');
  if (name.empty()) return key;
  key.append(name);
  key.push_back('@');
  return key;
}

std::string ChunkDataKey(std::string_view sha256) {
  std::string key(1, kChunkDataPrefix);
  key.append(sha256);
  return key;
}

std::string ChunkInfoKey(std::string_view sha256) {
  std::string key(1, kChunkInfoPrefix);
  key.append(sha256);
  return key;
}

std::string LogKey(std::string_view origin, v1::Tier tier, uint64_t seq) {
  std::string key = FrontierKey(origin, tier);
  AppendBigEndian64(&key, seq);
  return key;
}

std::string FrontierKey(std::string_view origin, v1::Tier tier) {
  std::string key(origin);
  key.push_back('\0');
  key.push_back(static_cast<char>(tier));
  return key;
}

std::optional<LogKeyParts> ParseLogKey(std::string_view key) {
  size_t zero = key.find('\0');
  if (zero == std::string_view::npos || key.size() != zero + 2 + 8) return std::nullopt;
  LogKeyParts parts;
  parts.origin = std::string(key.substr(0, zero));
  parts.tier = static_cast<v1::Tier>(key[zero + 1]);
  parts.seq = DecodeBigEndian64(key.substr(zero + 2));
  return parts;
}

std::string TermKey(std::string_view term) {
  std::string key(1, kTermPrefix);
  key.append(term);
  return key;
}

std::string DocKey(uint32_t docnum) {
  std::string key(1, kDocPrefix);
  AppendBigEndian32(&key, docnum);
  return key;
}


}  // namespace bibia::catalog
