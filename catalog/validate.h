// Validation of what editors write. Every error is INVALID_ARGUMENT with a
// message that starts with the path of the field at fault ("public.title_fr:").
#ifndef BIBIA_CATALOG_VALIDATE_H_
#define BIBIA_CATALOG_VALIDATE_H_

#include <string_view>

#include "absl/status/status.h"
#include "bibia/v1/project.pb.h"

namespace bibia::catalog {

inline constexpr size_t kMaxTitleChars = 300;
inline constexpr size_t kMaxSummaryChars = 20000;
inline constexpr size_t kMaxTextChars = 20000;  // any other free text
inline constexpr size_t kMaxListItems = 100;    // tags, techniques, links, ...

// Serialized sizes (bytes of the protobuf encoding). The field limits above
// alone would let a project reach ~15 MiB; these keep every record small
// enough that a page of search or list results stays within the response
// budget (kMaxResponseBytes, catalog_store.h) and a replica holds it easily.
inline constexpr size_t kMaxPublicBytes = 128 << 10;      // served in every search and list page
inline constexpr size_t kMaxRestrictedBytes = 64 << 10;   // contacts, budget, vendors, notes
inline constexpr size_t kMaxExpertBytes = 128 << 10;      // source, licence, artifacts
inline constexpr size_t kMaxProjectBytes = 256 << 10;     // the three facets together
inline constexpr size_t kMaxFeedbackBytes = 64 << 10;     // one feedback

// Number of Unicode code points of UTF-8 text (limits are in characters).
size_t Utf8Length(std::string_view text);

// INVALID_ARGUMENT "<path>: invalid UTF-8 at byte N" unless `text` is
// well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF): proto3 refuses to parse a string field that is not.
absl::Status CheckUtf8(std::string_view path, std::string_view text);

// True if `id` matches [a-z0-9-]{1,80}: project and node ids alike.
bool IsValidProjectId(std::string_view id);

// The one check of an id and its message: OK if IsValidProjectId(id), else
// INVALID_ARGUMENT "<field>: '<id>' must match [a-z0-9-]{1,80}" (the id as
// Printable() shows it).
absl::Status CheckId(std::string_view field, std::string_view id);

// INVALID_ARGUMENT for a page token this node did not hand out: the one
// message of every paged call.
absl::Status MalformedPageToken();

// Checks a whole project. Restricted and expert facets are optional; their id,
// if set, must equal the public id. Fields this build does not know are
// refused ("public.field 99: unknown field": what a writer sends is stored
// and served back as is, so it must be what the schema says), and so is a
// facet or project over its size above ("public: N bytes, at most M").
absl::Status ValidateProject(const v1::Project& project);

// Checks a feedback record before the node assigns its id and origin; the
// same rules for unknown fields ("feedback.field 99") and size.
absl::Status ValidateFeedback(const v1::Feedback& feedback);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_VALIDATE_H_
