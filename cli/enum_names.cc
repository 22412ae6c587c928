#include "cli/enum_names.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/absl_view.h"
#include "google/protobuf/descriptor.h"

namespace bibia::cli {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

bool IsUnspecified(const EnumValueDescriptor& value) { return value.number() == 0; }

std::string ValidNames(const EnumDescriptor& descriptor, std::string_view prefix) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const EnumValueDescriptor& value = *descriptor.value(i);
    if (IsUnspecified(value)) continue;
    names.push_back(absl::AsciiStrToLower(value.name().substr(prefix.size())));
  }
  return absl::StrJoin(names, ", ");
}

// Finds the value named `text` in short or full form; returns its number.
absl::StatusOr<int> ParseValue(const EnumDescriptor& descriptor,
                               std::string_view prefix, std::string_view text) {
  std::string upper = absl::AsciiStrToUpper(AbslView(text));
  for (char& c : upper) {
    if (c == '-') c = '_';
  }
  const EnumValueDescriptor* found = nullptr;
  if (!upper.empty()) {
    found = descriptor.FindValueByName(absl::StrCat(AbslView(prefix), upper));
    if (found == nullptr && std::string_view(upper).starts_with(prefix)) {
      found = descriptor.FindValueByName(upper);
    }
  }
  if (found == nullptr || IsUnspecified(*found)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown value '", AbslView(text), "' (valid: ",
        ValidNames(descriptor, prefix), ")"));
  }
  return found->number();
}

std::string Short(const EnumDescriptor& descriptor, std::string_view prefix,
                  int number) {
  const EnumValueDescriptor* value = descriptor.FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  std::string_view name = value->name();
  if (name.starts_with(prefix)) name.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(AbslView(name));
}

constexpr std::string_view kDomainPrefix = "DOMAIN_";
constexpr std::string_view kStatusPrefix = "STATUS_";
constexpr std::string_view kFeedbackKindPrefix = "FEEDBACK_KIND_";
constexpr std::string_view kRiskClassPrefix = "RISK_CLASS_";
constexpr std::string_view kTierPrefix = "TIER_";
constexpr std::string_view kRolePrefix = "ROLE_";

}  // namespace

absl::StatusOr<v1::Domain> ParseDomain(std::string_view text) {
  absl::StatusOr<int> number = ParseValue(*v1::Domain_descriptor(), kDomainPrefix, text);
  if (!number.ok()) return number.status();
  return static_cast<v1::Domain>(*number);
}

absl::StatusOr<v1::Status> ParseStatus(std::string_view text) {
  absl::StatusOr<int> number = ParseValue(*v1::Status_descriptor(), kStatusPrefix, text);
  if (!number.ok()) return number.status();
  return static_cast<v1::Status>(*number);
}

absl::StatusOr<v1::FeedbackKind> ParseFeedbackKind(std::string_view text) {
  absl::StatusOr<int> number =
      ParseValue(*v1::FeedbackKind_descriptor(), kFeedbackKindPrefix, text);
  if (!number.ok()) return number.status();
  return static_cast<v1::FeedbackKind>(*number);
}

absl::StatusOr<v1::RiskClass> ParseRiskClass(std::string_view text) {
  absl::StatusOr<int> number =
      ParseValue(*v1::RiskClass_descriptor(), kRiskClassPrefix, text);
  if (!number.ok()) return number.status();
  return static_cast<v1::RiskClass>(*number);
}

absl::StatusOr<v1::Tier> ParseTier(std::string_view text) {
  absl::StatusOr<int> number = ParseValue(*v1::Tier_descriptor(), kTierPrefix, text);
  if (!number.ok()) return number.status();
  return static_cast<v1::Tier>(*number);
}

absl::StatusOr<v1::Role> ParseRole(std::string_view text) {
  absl::StatusOr<int> number = ParseValue(*v1::Role_descriptor(), kRolePrefix, text);
  if (!number.ok()) return number.status();
  return static_cast<v1::Role>(*number);
}

std::string ShortName(v1::Domain value) {
  return Short(*v1::Domain_descriptor(), kDomainPrefix, value);
}
std::string ShortName(v1::Status value) {
  return Short(*v1::Status_descriptor(), kStatusPrefix, value);
}
std::string ShortName(v1::FeedbackKind value) {
  return Short(*v1::FeedbackKind_descriptor(), kFeedbackKindPrefix, value);
}
std::string ShortName(v1::RiskClass value) {
  return Short(*v1::RiskClass_descriptor(), kRiskClassPrefix, value);
}
std::string ShortName(v1::Tier value) {
  return Short(*v1::Tier_descriptor(), kTierPrefix, value);
}
std::string ShortName(v1::Role value) {
  return Short(*v1::Role_descriptor(), kRolePrefix, value);
}

std::string ValidDomainNames() { return ValidNames(*v1::Domain_descriptor(), kDomainPrefix); }
std::string ValidStatusNames() { return ValidNames(*v1::Status_descriptor(), kStatusPrefix); }
std::string ValidFeedbackKindNames() {
  return ValidNames(*v1::FeedbackKind_descriptor(), kFeedbackKindPrefix);
}
std::string ValidRiskClassNames() {
  return ValidNames(*v1::RiskClass_descriptor(), kRiskClassPrefix);
}

std::string ValidTierNames() { return ValidNames(*v1::Tier_descriptor(), kTierPrefix); }
std::string ValidRoleNames() { return ValidNames(*v1::Role_descriptor(), kRolePrefix); }

std::string ShortFacetValue(std::string_view facet, std::string_view value) {
  if (value.empty()) return facet == "domain" || facet == "status" ? "unspecified" : "(none)";
  const EnumDescriptor* descriptor = nullptr;
  std::string_view prefix;
  if (facet == "domain") {
    descriptor = v1::Domain_descriptor();
    prefix = kDomainPrefix;
  } else if (facet == "status") {
    descriptor = v1::Status_descriptor();
    prefix = kStatusPrefix;
  } else {
    return std::string(value);
  }
  const EnumValueDescriptor* found = descriptor->FindValueByName(std::string(value));
  if (found == nullptr) return std::string(value);
  return Short(*descriptor, prefix, found->number());
}

}  // namespace bibia::cli
