// Typed values of command flags (filters, --limit, numbers), checked and
// turned into usage errors that name the flag.
#ifndef BIBIA_CLI_FLAG_VALUES_H_
#define BIBIA_CLI_FLAG_VALUES_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "bibia/v1/catalog.pb.h"
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

}  // namespace bibia::cli

#endif  // BIBIA_CLI_FLAG_VALUES_H_
