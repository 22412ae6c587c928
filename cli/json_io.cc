#include "cli/json_io.h"

#include "google/protobuf/util/json_util.h"

namespace bibia::cli {

absl::Status ParseJson(std::string_view json, google::protobuf::Message& message) {
  message.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (status.ok()) return absl::OkStatus();
  const auto message_text = status.message();
  return absl::InvalidArgumentError(
      std::string(message_text.data(), message_text.size()));
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
