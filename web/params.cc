#include "web/params.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog/enum_names.h"
#include "catalog/printable.h"
#include "catalog/utf8.h"
#include "google/protobuf/descriptor.h"

namespace bibia::web {
namespace {

template <typename Enum>
absl::StatusOr<Enum> ParseEnum(const std::string& name, const std::string& text,
                               const google::protobuf::EnumDescriptor* descriptor) {
  std::vector<std::string> valid;
  const std::string lower = absl::AsciiStrToLower(text);
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto* value = descriptor->value(i);
    if (value->number() == 0) continue;
    const std::string short_name = catalog::ShortName(static_cast<Enum>(value->number()));
    if (lower == short_name || text == value->name()) return static_cast<Enum>(value->number());
    valid.push_back(short_name);
  }
  return absl::InvalidArgumentError(absl::StrCat(name, ": unknown value '", catalog::Printable(text),
                                                 "' (valid: ", absl::StrJoin(valid, ", "), ")"));
}

}  // namespace

absl::StatusOr<Params> CheckParams(const std::vector<std::pair<std::string, std::string>>& params,
                                   std::initializer_list<const char*> allowed) {
  Params out;
  for (const auto& [name, value] : params) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter '", catalog::Printable(name), "': unknown",
                       allowed.size() == 0 ? " (this endpoint takes none)"
                                           : absl::StrCat(" (known: ", absl::StrJoin(allowed, ", "), ")")));
    }
    if (catalog::InvalidUtf8Offset(value) != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("parameter '", name, "': not valid UTF-8"));
    }
    const size_t most = name == "q" ? kMaxQueryBytes : kMaxParamBytes;
    if (value.size() > most) {
      return absl::InvalidArgumentError(absl::StrCat("parameter '", name, "': longer than ", most, " bytes"));
    }
    if (!out.emplace(name, value).second) {
      return absl::InvalidArgumentError(absl::StrCat("parameter '", name, "': given more than once"));
    }
  }
  return out;
}

absl::StatusOr<v1::ProjectFilter> FilterFrom(const Params& params) {
  v1::ProjectFilter filter;
  const auto get = [&](const char* name) -> std::string {
    auto it = params.find(name);
    return it == params.end() ? std::string() : std::string(absl::StripAsciiWhitespace(it->second));
  };
  if (std::string domain = get("domain"); !domain.empty()) {
    auto parsed = ParseEnum<v1::Domain>("domain", domain, v1::Domain_descriptor());
    if (!parsed.ok()) return parsed.status();
    filter.set_domain(*parsed);
  }
  if (std::string status = get("status"); !status.empty()) {
    auto parsed = ParseEnum<v1::Status>("status", status, v1::Status_descriptor());
    if (!parsed.ok()) return parsed.status();
    filter.set_status(*parsed);
  }
  filter.set_region(get("region"));
  filter.set_collectivity(get("collectivity"));
  filter.set_technique(get("technique"));
  return filter;
}

absl::StatusOr<int> LimitFrom(const Params& params, int most) {
  auto it = params.find("limit");
  if (it == params.end() || it->second.empty()) return 0;
  int limit = 0;
  if (!absl::SimpleAtoi(it->second, &limit) || limit < 1 || limit > most) {
    return absl::InvalidArgumentError(absl::StrCat("parameter 'limit': expected a whole number from 1 to ", most));
  }
  return limit;
}

}  // namespace bibia::web
