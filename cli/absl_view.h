// Abseil 20220623 has its own absl::string_view, distinct from
// std::string_view; this converts between the two explicitly.
#ifndef BIBIA_CLI_ABSL_VIEW_H_
#define BIBIA_CLI_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace bibia::cli {

inline absl::string_view AbslView(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

inline std::string_view StdView(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

}  // namespace bibia::cli

#endif  // BIBIA_CLI_ABSL_VIEW_H_
