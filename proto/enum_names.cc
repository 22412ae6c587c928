#include "proto/enum_names.h"

#include "bibia/v1/identity.pb.h"
#include "bibia/v1/project.pb.h"

namespace bibia::enums {
namespace {

using google::protobuf::EnumValueDescriptor;

bool IsUnspecified(const EnumValueDescriptor& value) { return value.number() == 0; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Short(const Table& table, const EnumValueDescriptor& value) {
  std::string_view name = value.name();
  if (name.starts_with(table.prefix)) name.remove_prefix(table.prefix.size());
  return Lower(name);
}

}  // namespace

const Table& DomainTable() {
  static const Table table{v1::Domain_descriptor(), "DOMAIN_"};
  return table;
}
const Table& StatusTable() {
  static const Table table{v1::Status_descriptor(), "STATUS_"};
  return table;
}
const Table& FeedbackKindTable() {
  static const Table table{v1::FeedbackKind_descriptor(), "FEEDBACK_KIND_"};
  return table;
}
const Table& RiskClassTable() {
  static const Table table{v1::RiskClass_descriptor(), "RISK_CLASS_"};
  return table;
}
const Table& TierTable() {
  static const Table table{v1::Tier_descriptor(), "TIER_"};
  return table;
}
const Table& RoleTable() {
  static const Table table{v1::Role_descriptor(), "ROLE_"};
  return table;
}

std::optional<std::string> ShortName(const Table& table, int number) {
  const EnumValueDescriptor* value = table.descriptor->FindValueByNumber(number);
  if (value == nullptr) return std::nullopt;
  return Short(table, *value);
}

std::optional<int> ParseName(const Table& table, std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '-') c = '_';
  }
  if (upper.empty()) return std::nullopt;
  const EnumValueDescriptor* found = table.descriptor->FindValueByName(std::string(table.prefix) + upper);
  if (found == nullptr && std::string_view(upper).starts_with(table.prefix)) {
    found = table.descriptor->FindValueByName(upper);
  }
  if (found == nullptr || IsUnspecified(*found)) return std::nullopt;
  return found->number();
}

std::optional<int> FindFullName(const Table& table, std::string_view full) {
  const EnumValueDescriptor* found = table.descriptor->FindValueByName(std::string(full));
  if (found == nullptr) return std::nullopt;
  return found->number();
}

std::string ValidNames(const Table& table) {
  std::string names;
  for (int i = 0; i < table.descriptor->value_count(); ++i) {
    const EnumValueDescriptor& value = *table.descriptor->value(i);
    if (IsUnspecified(value)) continue;
    if (!names.empty()) names += ", ";
    names += Short(table, value);
  }
  return names;
}

}  // namespace bibia::enums
