// A small `--name value` / `--name=value` parser for bibia-node's commands,
// with usage errors as values.
#ifndef BIBIA_NODE_FLAGS_H_
#define BIBIA_NODE_FLAGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bibia::node {

struct ParsedFlags {
  std::map<std::string, std::string> values;  // flag name (without --) -> value
  std::vector<std::string> positional;
  bool help = false;  // --help or -h was given

  bool has(const std::string& name) const { return values.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
};

// Parses argv[first..argc). `with_value` are flags that take a value,
// `switches` flags that do not. Unknown flags are INVALID_ARGUMENT.
absl::StatusOr<ParsedFlags> ParseFlags(int argc, char** argv, int first, const std::set<std::string>& with_value,
                                       const std::set<std::string>& switches);

}  // namespace bibia::node

#endif  // BIBIA_NODE_FLAGS_H_
