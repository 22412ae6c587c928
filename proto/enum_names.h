// One short-name table per enum of the schema, shared by the node and the
// CLI: a value's short name is its full name without the enum's prefix, in
// lower case (DOMAIN_WATER -> "water", FEEDBACK_KIND_SUCCESS_FACTOR ->
// "success_factor"). Each side words the UNSPECIFIED value and unknown
// numbers its own way (catalog/enum_names.h, cli/enum_names.h).
#ifndef BIBIA_PROTO_ENUM_NAMES_H_
#define BIBIA_PROTO_ENUM_NAMES_H_

#include <optional>
#include <string>
#include <string_view>

#include "google/protobuf/descriptor.h"

namespace bibia::enums {

// An enum of the schema and the prefix its values' names start with.
struct Table {
  const google::protobuf::EnumDescriptor* descriptor;
  std::string_view prefix;  // "DOMAIN_"
};

const Table& DomainTable();
const Table& StatusTable();
const Table& FeedbackKindTable();
const Table& RiskClassTable();
const Table& TierTable();
const Table& RoleTable();

// The short name of value `number` ("unspecified" for the UNSPECIFIED
// value); nullopt for a number this build does not know.
std::optional<std::string> ShortName(const Table& table, int number);

// The number of the value named `text`, short or full ("water", "WATER",
// "DOMAIN_WATER"), in any case, '-' standing for '_'; nullopt for an unknown
// name or the UNSPECIFIED value.
std::optional<int> ParseName(const Table& table, std::string_view text);

// The number of the value whose full name is exactly `full`; nullopt if none.
std::optional<int> FindFullName(const Table& table, std::string_view full);

// The short names of every value but UNSPECIFIED, in schema order,
// comma-separated ("ecological_transition, water, ...").
std::string ValidNames(const Table& table);

}  // namespace bibia::enums

#endif  // BIBIA_PROTO_ENUM_NAMES_H_
