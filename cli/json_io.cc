#include "cli/json_io.h"

#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/absl_view.h"
#include "cli/json_syntax.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"

namespace bibia::cli {

namespace {

// Protobuf's description of a JSON error, made readable: its first line only
// (the rest is a snippet of the text with a caret under it), a position for
// a syntax error, the valid names for an unknown enum value.
std::string DescribeJsonError(std::string_view json, std::string_view protobuf_message) {
  std::string_view first_line = protobuf_message.substr(0, protobuf_message.find('\n'));
  if (std::optional<TextPosition> at = FirstJsonSyntaxError(json)) {
    return absl::StrCat("not valid JSON: line ", at->line, ", column ", at->column, ": ",
                        AbslView(first_line));
  }
  if (absl::StrContains(AbslView(first_line), "Root element must be a message")) {
    return "expected one JSON object ({...}) at the top of the file";
  }
  // "(public) colour: Cannot find field." or, at the top, "colour: Cannot find field."
  constexpr std::string_view kUnknownField = ": Cannot find field.";
  if (first_line.size() > kUnknownField.size() &&
      first_line.substr(first_line.size() - kUnknownField.size()) == kUnknownField) {
    std::string_view field = first_line.substr(0, first_line.size() - kUnknownField.size());
    std::string path;
    if (field.size() > 2 && field.front() == '(') {
      if (const size_t close = field.find(") "); close != std::string_view::npos) {
        path = absl::StrCat(AbslView(field.substr(1, close - 1)), ".");
        field = field.substr(close + 2);
      }
    }
    return absl::StrCat(path, AbslView(field), ": unknown field");
  }
  // "(public.domain): invalid value "DOMAIN_FOO" for type type.googleapis.com/bibia.v1.Domain"
  constexpr std::string_view kTypePrefix = " for type type.googleapis.com/";
  if (const size_t type_at = first_line.find(kTypePrefix); type_at != std::string_view::npos) {
    const std::string type_name(first_line.substr(type_at + kTypePrefix.size()));
    const google::protobuf::EnumDescriptor* type =
        google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(type_name);
    if (type != nullptr) {
      std::vector<std::string> names;
      for (int i = 0; i < type->value_count(); ++i) {
        if (type->value(i)->number() != 0) names.push_back(type->value(i)->name());  // 0: unspecified
      }
      std::string_view head = first_line.substr(0, type_at);
      // Drop the parentheses protobuf puts around the field's path.
      if (head.size() > 2 && head.front() == '(') {
        if (const size_t close = head.find("): "); close != std::string_view::npos) {
          return absl::StrCat(AbslView(head.substr(1, close - 1)), ": ", AbslView(head.substr(close + 3)),
                              " (valid: ", absl::StrJoin(names, ", "), ")");
        }
      }
      return absl::StrCat(AbslView(head), " (valid: ", absl::StrJoin(names, ", "), ")");
    }
  }
  return std::string(first_line);
}

}  // namespace

absl::Status ParseJson(std::string_view json, google::protobuf::Message& message) {
  message.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (status.ok()) return absl::OkStatus();
  const auto message_text = status.message();
  return absl::InvalidArgumentError(
      DescribeJsonError(json, std::string_view(message_text.data(), message_text.size())));
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // Only possible for messages with Any fields of unknown types, which the
    // bibia schema does not have; keep the output a valid JSON document.
    return "{}\n";
  }
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

google::protobuf::Value ToJsonValue(const google::protobuf::Message& message) {
  google::protobuf::Value value;
  if (!ParseJson(ToJson(message), value).ok()) value.mutable_struct_value();
  return value;
}

}  // namespace bibia::cli
