// Reading and printing protobuf messages in the protobuf JSON mapping, with
// the options bibia uses everywhere.
#ifndef BIBIA_CLI_JSON_IO_H_
#define BIBIA_CLI_JSON_IO_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"

namespace bibia::cli {

// Parses `json` into `message` (cleared first). Unknown fields are errors.
// On failure: InvalidArgument naming the offending field (protobuf's
// description), or the line and column of a syntax error, and for an unknown
// enum value the valid ones.
absl::Status ParseJson(std::string_view json, google::protobuf::Message& message);

// One JSON document with proto field names, fields at their default value
// left out, ending with a newline.
std::string ToJson(const google::protobuf::Message& message);

// `message` as a JSON value (same mapping as ToJson), to build documents
// that are not one message, e.g. {"roster_file": ..., "roster": {...}}.
google::protobuf::Value ToJsonValue(const google::protobuf::Message& message);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_JSON_IO_H_
