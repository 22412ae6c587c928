// Key encoding of every column family, in one place: the byte layout of the
// store is defined here and nowhere else (round-trip tests in keys_test.cc).
#ifndef BIBIA_CATALOG_KEYS_H_
#define BIBIA_CATALOG_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bibia/v1/project.pb.h"

namespace bibia::catalog {

// Column families of the node's single RocksDB database.
enum class Family : int {
  kLog = 0,       // origin, tier, seq -> LogEntry
  kRecords = 1,   // kind, id -> log key of the entry holding the value (records.h)
  kFrontier = 2,  // origin, tier -> highest seq applied (fixed64)
  kIndex = 3,     // search index: postings, documents, ids
  kChunks = 4,    // SHA-256 -> chunk bytes
  kAudit = 5,     // time, seq -> audit event
  kMeta = 6,      // name -> value
};
inline constexpr int kFamilyCount = 7;

// RocksDB name of a family ("default" is kept for kMeta).
const char* FamilyName(Family family);

// Kinds of record in the records family; the byte is the key's first byte.
enum class RecordKind : char {
  kPublic = 'P',
  kRestricted = 'R',
  kExpert = 'E',
  kFeedback = 'F',
  kRevocation = 'V',  // token revocations, in the public log
  kArtifact = 'A',    // artifact manifests "A<project>/<name>@<version>", expert log
  // A facet held aside (AsideKey): no log carries these kinds, they are
  // this node's own bookkeeping.
  kPublicAside = 'p',
  kRestrictedAside = 'r',
  kExpertAside = 'e',
  // "f<project id>/<SHA-256 of a feedback's fingerprint>" -> its feedback id:
  // this node's own feedback, so that an import finds a feedback it already
  // holds with one lookup (FeedbackFingerprintKey). No log carries these.
  kFeedbackFingerprint = 'f',
};

// The tier whose log carries records of `kind` (a key's first byte);
// TIER_UNSPECIFIED for an unknown kind or one no log carries (asides).
v1::Tier TierOfRecordKind(char kind);

// Big-endian fixed-width integers, so that byte order is numeric order.
void AppendBigEndian32(std::string* out, uint32_t v);
void AppendBigEndian64(std::string* out, uint64_t v);
uint32_t DecodeBigEndian32(std::string_view in);  // REQUIRES: in.size() >= 4
uint64_t DecodeBigEndian64(std::string_view in);  // REQUIRES: in.size() >= 8

// records: kind byte, then the id. Feedback ids are "<project id>/<feedback id>"
// so that a project's feedback is one contiguous range.
std::string RecordKey(RecordKind kind, std::string_view id);
std::string FeedbackKey(std::string_view project_id, std::string_view feedback_id);
// True if `feedback_id` is one `origin` gives: "<origin>-r<seq>".
bool IsFeedbackIdOf(std::string_view feedback_id, std::string_view origin);
// Prefix of every feedback key of one project.
std::string FeedbackPrefix(std::string_view project_id);
// "f<project id>/<digest>": see RecordKind::kFeedbackFingerprint.
std::string FeedbackFingerprintKey(std::string_view project_id, std::string_view digest);
// A facet that a member other than the project's owner here wrote (or its
// owner, before this node had the project) is held aside under
// "<p|r|e><id>/<origin>", never shown, until that origin owns the project
// here: a public facet held aside is a later claim of the project's id,
// which owns it once the earlier claims are deleted. `kind`: kPublic,
// kRestricted or kExpert.
std::string AsideKey(RecordKind kind, std::string_view id, std::string_view origin);
// The kind an aside of `kind` is held under, and the other way round.
RecordKind AsideKindOf(RecordKind kind);
RecordKind FacetKindOfAside(RecordKind aside_kind);
// "V<issuer>/<token id>": one contiguous range per issuer.
std::string RevocationKey(std::string_view issuer, std::string_view token_id);

// "A<project>/<name>@<version>": one contiguous range per project, and per
// name within it ('/' and '@' occur in neither a project id nor a name).
std::string ArtifactKey(std::string_view project_id, std::string_view name, std::string_view version);
// Prefix of every manifest key of `project_id` ("" for every project), or
// of one name's versions when `name` is set.
std::string ArtifactPrefix(std::string_view project_id, std::string_view name = {});

// chunks family: 'd' + SHA-256 -> the chunk's bytes (blob files); 'i' +
// SHA-256 -> ChunkInfo (size, when stored: small, kept in the LSM tree so
// that presence checks and collection never read chunk bytes).
std::string ChunkDataKey(std::string_view sha256);
std::string ChunkInfoKey(std::string_view sha256);
inline constexpr char kChunkDataPrefix = 'd';
inline constexpr char kChunkInfoPrefix = 'i';

// log: origin, 0x00, tier byte, seq (big-endian 64).
std::string LogKey(std::string_view origin, v1::Tier tier, uint64_t seq);
// frontier: origin, 0x00, tier byte.
std::string FrontierKey(std::string_view origin, v1::Tier tier);

struct LogKeyParts {
  std::string origin;
  v1::Tier tier;
  uint64_t seq;
};
std::optional<LogKeyParts> ParseLogKey(std::string_view key);

// index family: 't' term -> posting list ('t~stem' for stems); 'd' docnum(be32) -> IndexedDoc;
// 's' -> index statistics. (Schema 2 also kept 'i' id -> docnum, which
// nothing read: the rows name their ids.)
std::string TermKey(std::string_view term);
inline constexpr char kTermPrefix = 't';
std::string DocKey(uint32_t docnum);
inline constexpr char kDocPrefix = 'd';
inline constexpr char kOldDocIdPrefix = 'i';
// 'w' word -> "": the indexed words (not stems), for typo tolerance; "v" ->
// the index format (SearchIndex kIndexFormat).
inline constexpr char kWordPrefix = 'w';
inline constexpr std::string_view kIndexFormatKey = "v";

// meta names.
inline constexpr std::string_view kMetaSchemaVersion = "schema_version";
inline constexpr std::string_view kMetaNodeId = "node_id";
inline constexpr std::string_view kMetaNextDocnum = "next_docnum";
// Present once every own feedback has its kFeedbackFingerprint row (stores
// written before those rows existed get them at Open).
inline constexpr std::string_view kMetaFeedbackFingerprints = "feedback_fingerprints";
// Present from the write that removed payloads (redaction, a lowered tier)
// until they are scrubbed from the files: a crash in between scrubs at Open.
// Its value says whether the search index needs scrubbing too: only public
// text is indexed, so only an erased public payload leaves words there.
inline constexpr std::string_view kMetaScrubPending = "scrub_pending";
inline constexpr std::string_view kScrubLogs = "logs";
inline constexpr std::string_view kScrubWithIndex = "index";

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_KEYS_H_
