// The records family: each record's key maps to the log key of the entry
// that holds its current value, so that a payload is stored once, in the log,
// and a replicated entry costs one copy of its bytes instead of two.
#ifndef BIBIA_CATALOG_RECORDS_H_
#define BIBIA_CATALOG_RECORDS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/db.h"

namespace bibia::catalog {

// The value stored under a record's key: the log key of (origin, tier, seq).
std::string RecordRef(std::string_view origin, v1::Tier tier, uint64_t seq);

// The origin a reference names, without reading the log; DATA_LOSS if `ref`
// is not a log key.
absl::StatusOr<std::string_view> RefOrigin(std::string_view ref, std::string_view key);

// The record under `key`: its value read from the entry its reference names,
// with origin and seq set. nullopt if there is no such record.
absl::StatusOr<std::optional<v1::StoredRecord>> ReadRecord(const Db& db, std::string_view key);

// True if public facet `a` claims its project's id before `b` does: the
// earlier claimed_hlc, then the smaller origin. Of two members that wrote the
// same id, the earlier claim owns it on every node.
bool ClaimsBefore(const v1::StoredRecord& a, const v1::StoredRecord& b);

// Rewrites a store of schema version 2, whose records family held each value
// with its provenance, into references (and drops its unused index rows by
// id), in one write with the new version.
absl::Status MigrateRecordsToReferences(Db* db);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_RECORDS_H_
