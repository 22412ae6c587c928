// Typed values of command flags (filters, --limit, numbers), checked and
// turned into usage errors that name the flag.
#ifndef BIBIA_CLI_FLAG_VALUES_H_
#define BIBIA_CLI_FLAG_VALUES_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/identity.pb.h"
#include "cli/args.h"

namespace bibia::cli {

// --domain, --status, --region, --collectivity, --technique.
absl::StatusOr<v1::ProjectFilter> FilterFromFlags(const Invocation& invocation);

// --limit N: a positive integer, or 0 when absent (the node's default).
absl::StatusOr<int32_t> LimitFromFlags(const Invocation& invocation);

// --NAME as a finite number / a non-negative integer; nullopt when absent.
absl::StatusOr<std::optional<double>> NumberFlag(const Invocation& invocation,
                                                 std::string_view name);
absl::StatusOr<std::optional<int32_t>> CountFlag(const Invocation& invocation,
                                                 std::string_view name);

// --kind KIND as a feedback kind.
absl::StatusOr<v1::FeedbackKind> FeedbackKindFromFlags(const Invocation& invocation);

// --tier / --role (required flags).
absl::StatusOr<v1::Tier> TierFromFlags(const Invocation& invocation);
absl::StatusOr<v1::Role> RoleFromFlags(const Invocation& invocation);

// A positive whole number followed by s, m, h or d ("90s", "30m", "24h",
// "7d"), in seconds; InvalidArgument otherwise (also above 100 years).
absl::StatusOr<int64_t> ParseDurationSeconds(std::string_view text);

// A point in time in Unix milliseconds: a duration back from `now` ("1h"),
// a date "YYYY-MM-DD" (midnight UTC) or an RFC 3339 time
// ("2026-11-01T08:00:00Z").
absl::StatusOr<int64_t> ParseSince(std::string_view text, absl::Time now);

// --NAME DURATION in seconds (ParseDurationSeconds); nullopt when absent.
absl::StatusOr<std::optional<int64_t>> DurationFlag(const Invocation& invocation,
                                                    std::string_view name);

// --NAME WHEN in Unix ms (ParseSince); nullopt when absent.
absl::StatusOr<std::optional<int64_t>> SinceFlag(const Invocation& invocation,
                                                 std::string_view name, absl::Time now);

// --NAME HOST:PORT: a non-empty host ("[::1]" for IPv6) and a port 1..65535;
// nullopt when absent.
absl::StatusOr<std::optional<std::string>> EndpointFlag(const Invocation& invocation,
                                                        std::string_view name);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_FLAG_VALUES_H_
