// Short lowercase names of the schema's enums ("water", "success_factor"), as
// typed on the command line, found in the demo file and shown in human output;
// the tables are shared with the node (proto/enum_names.h).
#ifndef BIBIA_CLI_ENUM_NAMES_H_
#define BIBIA_CLI_ENUM_NAMES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "bibia/v1/identity.pb.h"
#include "bibia/v1/project.pb.h"

namespace bibia::cli {

// Each parser accepts the short name in any case ("water", "WATER"; '-' may
// stand for '_') or the full enum name ("DOMAIN_WATER"). The UNSPECIFIED value
// is not accepted. On failure: InvalidArgument "unknown value 'x' (valid: a,
// b, ...)".
absl::StatusOr<v1::Domain> ParseDomain(std::string_view text);
absl::StatusOr<v1::Status> ParseStatus(std::string_view text);
absl::StatusOr<v1::FeedbackKind> ParseFeedbackKind(std::string_view text);
absl::StatusOr<v1::RiskClass> ParseRiskClass(std::string_view text);
absl::StatusOr<v1::Tier> ParseTier(std::string_view text);
absl::StatusOr<v1::Role> ParseRole(std::string_view text);

// Short lowercase names: DOMAIN_WATER -> "water", STATUS_UNSPECIFIED ->
// "unspecified". A number the schema does not know is printed as digits.
std::string ShortName(v1::Domain value);
std::string ShortName(v1::Status value);
std::string ShortName(v1::FeedbackKind value);
std::string ShortName(v1::RiskClass value);
std::string ShortName(v1::Tier value);
std::string ShortName(v1::Role value);

// The accepted short names, comma-separated ("ecological_transition, ...").
std::string ValidDomainNames();
std::string ValidStatusNames();
std::string ValidFeedbackKindNames();
std::string ValidRiskClassNames();
std::string ValidTierNames();
std::string ValidRoleNames();

// A facet value as received from the node, shown in short form when it is a
// full enum name of that facet ("DOMAIN_WATER" -> "water"). An empty value is
// "unspecified" for domain and status, "(none)" for other facets; other
// values are returned unchanged.
std::string ShortFacetValue(std::string_view facet, std::string_view value);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_ENUM_NAMES_H_
