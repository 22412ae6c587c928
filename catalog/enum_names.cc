#include "catalog/enum_names.h"

#include "absl/strings/ascii.h"

namespace bibia::catalog {
namespace {

std::string Shorten(const std::string& full, size_t prefix_length, bool unspecified) {
  if (unspecified) return "";
  if (full.empty()) return "unknown";
  return absl::AsciiStrToLower(full.substr(prefix_length));
}

}  // namespace

std::string ShortName(v1::Domain value) {
  return Shorten(v1::Domain_Name(value), 7, value == v1::DOMAIN_UNSPECIFIED);
}

std::string ShortName(v1::Status value) {
  return Shorten(v1::Status_Name(value), 7, value == v1::STATUS_UNSPECIFIED);
}

}  // namespace bibia::catalog
