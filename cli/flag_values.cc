#include "cli/flag_values.h"

#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/absl_view.h"
#include "cli/enum_names.h"
#include "cli/errors.h"

namespace bibia::cli {
namespace {

absl::Status FlagError(const Invocation& invocation, std::string_view name,
                       std::string_view problem) {
  return UsageError(absl::StrCat("--", AbslView(name), ": ", AbslView(problem)),
                    invocation.command);
}

// Parses --NAME with `parse` when present.
template <typename Enum, typename ParseFn>
absl::StatusOr<std::optional<Enum>> EnumFlag(const Invocation& invocation,
                                             std::string_view name, ParseFn parse) {
  std::optional<std::string> text = invocation.Flag(name);
  if (!text.has_value()) return std::nullopt;
  absl::StatusOr<Enum> value = parse(*text);
  if (!value.ok()) return FlagError(invocation, name, StdView(value.status().message()));
  return *value;
}

}  // namespace

absl::StatusOr<v1::ProjectFilter> FilterFromFlags(const Invocation& invocation) {
  v1::ProjectFilter filter;
  absl::StatusOr<std::optional<v1::Domain>> domain =
      EnumFlag<v1::Domain>(invocation, "domain", ParseDomain);
  if (!domain.ok()) return domain.status();
  if (domain->has_value()) filter.set_domain(**domain);
  absl::StatusOr<std::optional<v1::Status>> status =
      EnumFlag<v1::Status>(invocation, "status", ParseStatus);
  if (!status.ok()) return status.status();
  if (status->has_value()) filter.set_status(**status);
  filter.set_region(invocation.Flag("region").value_or(""));
  filter.set_collectivity(invocation.Flag("collectivity").value_or(""));
  filter.set_technique(invocation.Flag("technique").value_or(""));
  return filter;
}

absl::StatusOr<int32_t> LimitFromFlags(const Invocation& invocation) {
  absl::StatusOr<std::optional<int32_t>> limit = CountFlag(invocation, "limit");
  if (!limit.ok()) return limit.status();
  if (!limit->has_value()) return 0;
  if (**limit == 0) return FlagError(invocation, "limit", "must be at least 1");
  return **limit;
}

absl::StatusOr<std::optional<double>> NumberFlag(const Invocation& invocation,
                                                 std::string_view name) {
  std::optional<std::string> text = invocation.Flag(name);
  if (!text.has_value()) return std::nullopt;
  double value = 0;
  if (!absl::SimpleAtod(*text, &value) || !std::isfinite(value)) {
    return FlagError(invocation, name, absl::StrCat("expected a number, got '", *text, "'"));
  }
  return value;
}

absl::StatusOr<std::optional<int32_t>> CountFlag(const Invocation& invocation,
                                                 std::string_view name) {
  std::optional<std::string> text = invocation.Flag(name);
  if (!text.has_value()) return std::nullopt;
  int32_t value = 0;
  if (!absl::SimpleAtoi(*text, &value) || value < 0) {
    return FlagError(invocation, name,
                     absl::StrCat("expected a whole number, got '", *text, "'"));
  }
  return value;
}

absl::StatusOr<v1::FeedbackKind> FeedbackKindFromFlags(const Invocation& invocation) {
  absl::StatusOr<std::optional<v1::FeedbackKind>> kind =
      EnumFlag<v1::FeedbackKind>(invocation, "kind", ParseFeedbackKind);
  if (!kind.ok()) return kind.status();
  if (!kind->has_value()) return FlagError(invocation, "kind", "missing");
  return **kind;
}

}  // namespace bibia::cli
