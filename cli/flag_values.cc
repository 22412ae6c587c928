#include "cli/flag_values.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "access/endpoint.h"
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
  // Tables and facets show "unspecified" for the projects without one, but
  // a filter on it is not possible: say so rather than only listing values.
  for (const char* name : {"status", "domain"}) {
    if (invocation.Flag(name) == "unspecified") {
      return FlagError(invocation, name,
                       "projects without one cannot be selected; leave the flag out to list them with the others");
    }
  }
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

absl::StatusOr<v1::Tier> TierFromFlags(const Invocation& invocation) {
  absl::StatusOr<std::optional<v1::Tier>> tier =
      EnumFlag<v1::Tier>(invocation, "tier", ParseTier);
  if (!tier.ok()) return tier.status();
  if (!tier->has_value()) return FlagError(invocation, "tier", "missing");
  return **tier;
}

absl::StatusOr<v1::Role> RoleFromFlags(const Invocation& invocation) {
  absl::StatusOr<std::optional<v1::Role>> role =
      EnumFlag<v1::Role>(invocation, "role", ParseRole);
  if (!role.ok()) return role.status();
  if (!role->has_value()) return FlagError(invocation, "role", "missing");
  return **role;
}

absl::StatusOr<int64_t> ParseDurationSeconds(std::string_view text) {
  const auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected a duration like 90s, 30m, 24h or 7d, got '", AbslView(text), "'"));
  };
  if (text.size() < 2) return bad();
  int64_t unit = 0;
  switch (absl::ascii_tolower(static_cast<unsigned char>(text.back()))) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return bad();
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  for (const char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad();
  }
  int64_t count = 0;
  constexpr int64_t kMaxSeconds = int64_t{100} * 366 * 86400;
  if (!absl::SimpleAtoi(AbslView(digits), &count) || count <= 0 ||
      count > kMaxSeconds / unit) {
    return bad();
  }
  return count * unit;
}

absl::StatusOr<int64_t> ParseSince(std::string_view text, absl::Time now) {
  if (absl::StatusOr<int64_t> seconds = ParseDurationSeconds(text); seconds.ok()) {
    return absl::ToUnixMillis(now - absl::Seconds(*seconds));
  }
  absl::Time time;
  std::string error;
  if (absl::ParseTime("%Y-%m-%d", AbslView(text), absl::UTCTimeZone(), &time, &error) ||
      absl::ParseTime(absl::RFC3339_full, AbslView(text), absl::UTCTimeZone(), &time,
                      &error)) {
    return absl::ToUnixMillis(time);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("expected a duration back from now (30m, 1h, 7d), a date (2026-11-01) "
                   "or a time (2026-11-01T08:00:00Z), got '",
                   AbslView(text), "'"));
}

absl::StatusOr<std::optional<int64_t>> DurationFlag(const Invocation& invocation,
                                                    std::string_view name) {
  std::optional<std::string> text = invocation.Flag(name);
  if (!text.has_value()) return std::nullopt;
  absl::StatusOr<int64_t> seconds = ParseDurationSeconds(*text);
  if (!seconds.ok()) return FlagError(invocation, name, StdView(seconds.status().message()));
  return *seconds;
}

absl::StatusOr<std::optional<int64_t>> SinceFlag(const Invocation& invocation,
                                                 std::string_view name, absl::Time now) {
  std::optional<std::string> text = invocation.Flag(name);
  if (!text.has_value()) return std::nullopt;
  absl::StatusOr<int64_t> unix_ms = ParseSince(*text, now);
  if (!unix_ms.ok()) return FlagError(invocation, name, StdView(unix_ms.status().message()));
  return *unix_ms;
}

absl::StatusOr<std::optional<std::string>> EndpointFlag(const Invocation& invocation,
                                                        std::string_view name) {
  std::optional<std::string> text = invocation.Flag(name);
  if (!text.has_value()) return std::nullopt;
  if (absl::Status status = access::CheckEndpoint(*text, absl::StrCat("--", AbslView(name))); !status.ok()) {
    return UsageError(StdView(status.message()), invocation.command);
  }
  return text;
}

}  // namespace bibia::cli
