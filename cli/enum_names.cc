#include "cli/enum_names.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cli/absl_view.h"
#include "proto/enum_names.h"

namespace bibia::cli {
namespace {

// Finds the value named `text` in short or full form; returns its number.
absl::StatusOr<int> ParseValue(const enums::Table& table, std::string_view text) {
  if (std::optional<int> number = enums::ParseName(table, text)) return *number;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown value '", AbslView(text), "' (valid: ", enums::ValidNames(table), ")"));
}

template <typename Enum>
absl::StatusOr<Enum> Parse(const enums::Table& table, std::string_view text) {
  absl::StatusOr<int> number = ParseValue(table, text);
  if (!number.ok()) return number.status();
  return static_cast<Enum>(*number);
}

// A number the schema does not know is printed as digits.
std::string Short(const enums::Table& table, int number) {
  if (std::optional<std::string> name = enums::ShortName(table, number)) return *std::move(name);
  return absl::StrCat(number);
}

}  // namespace

absl::StatusOr<v1::Domain> ParseDomain(std::string_view text) { return Parse<v1::Domain>(enums::DomainTable(), text); }
absl::StatusOr<v1::Status> ParseStatus(std::string_view text) { return Parse<v1::Status>(enums::StatusTable(), text); }
absl::StatusOr<v1::FeedbackKind> ParseFeedbackKind(std::string_view text) {
  return Parse<v1::FeedbackKind>(enums::FeedbackKindTable(), text);
}
absl::StatusOr<v1::RiskClass> ParseRiskClass(std::string_view text) {
  return Parse<v1::RiskClass>(enums::RiskClassTable(), text);
}
absl::StatusOr<v1::Tier> ParseTier(std::string_view text) { return Parse<v1::Tier>(enums::TierTable(), text); }
absl::StatusOr<v1::Role> ParseRole(std::string_view text) { return Parse<v1::Role>(enums::RoleTable(), text); }

std::string ShortName(v1::Domain value) { return Short(enums::DomainTable(), value); }
std::string ShortName(v1::Status value) { return Short(enums::StatusTable(), value); }
std::string ShortName(v1::FeedbackKind value) { return Short(enums::FeedbackKindTable(), value); }
std::string ShortName(v1::RiskClass value) { return Short(enums::RiskClassTable(), value); }
std::string ShortName(v1::Tier value) { return Short(enums::TierTable(), value); }
std::string ShortName(v1::Role value) { return Short(enums::RoleTable(), value); }

std::string ValidDomainNames() { return enums::ValidNames(enums::DomainTable()); }
std::string ValidStatusNames() { return enums::ValidNames(enums::StatusTable()); }
std::string ValidFeedbackKindNames() { return enums::ValidNames(enums::FeedbackKindTable()); }
std::string ValidRiskClassNames() { return enums::ValidNames(enums::RiskClassTable()); }
std::string ValidTierNames() { return enums::ValidNames(enums::TierTable()); }
std::string ValidRoleNames() { return enums::ValidNames(enums::RoleTable()); }

std::string ShortFacetValue(std::string_view facet, std::string_view value) {
  if (value.empty()) return facet == "domain" || facet == "status" ? "unspecified" : "(none)";
  const enums::Table* table = nullptr;
  if (facet == "domain") {
    table = &enums::DomainTable();
  } else if (facet == "status") {
    table = &enums::StatusTable();
  } else {
    return std::string(value);
  }
  const std::optional<int> number = enums::FindFullName(*table, value);
  if (!number) return std::string(value);
  return Short(*table, *number);
}

}  // namespace bibia::cli
