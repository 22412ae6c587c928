#include "catalog/enum_names.h"

#include "proto/enum_names.h"

namespace bibia::catalog {
namespace {

std::string Shorten(const enums::Table& table, int value) {
  if (value == 0) return "";  // UNSPECIFIED
  return enums::ShortName(table, value).value_or("unknown");
}

}  // namespace

std::string ShortName(v1::Domain value) { return Shorten(enums::DomainTable(), value); }

std::string ShortName(v1::Status value) { return Shorten(enums::StatusTable(), value); }

}  // namespace bibia::catalog
