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

// Number of Unicode code points of UTF-8 text (limits are in characters).
size_t Utf8Length(std::string_view text);

// INVALID_ARGUMENT "<path>: invalid UTF-8 at byte N" unless `text` is
// well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF): proto3 refuses to parse a string field that is not.
absl::Status CheckUtf8(std::string_view path, std::string_view text);

// True if `id` matches [a-z0-9-]{1,80}.
bool IsValidProjectId(std::string_view id);

// Checks a whole project. Restricted and expert facets are optional; their id,
// if set, must equal the public id.
absl::Status ValidateProject(const v1::Project& project);

// Checks a feedback record before the node assigns its id and origin.
absl::Status ValidateFeedback(const v1::Feedback& feedback);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_VALIDATE_H_
