// Short lower-case names of the schema's enums ("water", "production"), used
// by facets, filters and the demo catalogue format.
#ifndef BIBIA_CATALOG_ENUM_NAMES_H_
#define BIBIA_CATALOG_ENUM_NAMES_H_

#include <string>

#include "bibia/v1/project.pb.h"

namespace bibia::catalog {

// "DOMAIN_WATER" -> "water" (the table shared with the CLI,
// proto/enum_names.h); "" for the UNSPECIFIED value, "unknown" for values
// this build does not know.
std::string ShortName(v1::Domain value);
std::string ShortName(v1::Status value);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_ENUM_NAMES_H_
