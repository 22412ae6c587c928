// Query parameters of the HTTP API, checked before anything is read: only
// the names an endpoint knows, each once, valid UTF-8, bounded in size.
#ifndef BIBIA_WEB_PARAMS_H_
#define BIBIA_WEB_PARAMS_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "bibia/v1/catalog.pb.h"

namespace bibia::web {

// Longest search query (as the search index accepts) and other value.
inline constexpr size_t kMaxQueryBytes = 1000;
inline constexpr size_t kMaxParamBytes = 400;

using Params = absl::flat_hash_map<std::string, std::string>;

// The parameters as a map; INVALID_ARGUMENT naming the parameter at fault:
// unknown name (listing the known ones), repeated, not UTF-8, too long.
absl::StatusOr<Params> CheckParams(const std::vector<std::pair<std::string, std::string>>& params,
                                   std::initializer_list<const char*> allowed);

// domain, status, region, collectivity, technique. Enums by short name
// ("water", "production", as facets name them) or full name
// ("DOMAIN_WATER"); INVALID_ARGUMENT listing the valid names otherwise.
absl::StatusOr<v1::ProjectFilter> FilterFrom(const Params& params);

// "limit": absent -> 0 (the store's default); else 1..`most`.
absl::StatusOr<int> LimitFrom(const Params& params, int most);

}  // namespace bibia::web

#endif  // BIBIA_WEB_PARAMS_H_
