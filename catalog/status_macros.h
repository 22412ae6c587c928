// Early-return helpers for absl::Status / absl::StatusOr, which Debian's
// Abseil (20220623) does not ship.
#ifndef BIBIA_CATALOG_STATUS_MACROS_H_
#define BIBIA_CATALOG_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define BIBIA_CONCAT_INNER_(a, b) a##b
#define BIBIA_CONCAT_(a, b) BIBIA_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function if it is not OK.
#define BIBIA_RETURN_IF_ERROR(expr)                     \
  do {                                                  \
    if (::absl::Status bibia_status_ = (expr);          \
        !bibia_status_.ok()) {                          \
      return bibia_status_;                             \
    }                                                   \
  } while (0)

// `lhs = value of expr`, or returns its error status.
#define BIBIA_ASSIGN_OR_RETURN(lhs, expr) \
  BIBIA_ASSIGN_OR_RETURN_IMPL_(BIBIA_CONCAT_(bibia_statusor_, __LINE__), lhs, expr)

#define BIBIA_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // BIBIA_CATALOG_STATUS_MACROS_H_
