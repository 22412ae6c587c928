#include "node/grpc_status.h"

#include <string>

#include "catalog/printable.h"

namespace bibia::node {
namespace {

// Longest message a caller gets back: enough for any message of ours, short
// of echoing a caller's megabytes.
constexpr size_t kMaxMessageBytes = 1024;

// `message` with every absolute file path (a token that starts with '/' and
// holds another '/', as RocksDB's and the OS's messages name files) replaced
// by "(path)": the node's layout is the operator's business, not a caller's.
std::string WithoutPaths(std::string_view message) {
  std::string out;
  size_t pos = 0;
  while (pos < message.size()) {
    const size_t slash = message.find('/', pos);
    const bool starts_token = slash != std::string_view::npos &&
                              (slash == 0 || message[slash - 1] == ' ' || message[slash - 1] == '\'' ||
                               message[slash - 1] == '"' || message[slash - 1] == '(' || message[slash - 1] == '=');
    if (!starts_token) {
      const size_t end = slash == std::string_view::npos ? message.size() : slash + 1;
      out.append(message.substr(pos, end - pos));
      pos = end;
      continue;
    }
    size_t end = slash;
    while (end < message.size() && message[end] != ' ' && message[end] != '\'' && message[end] != '"' &&
           message[end] != ')' && message[end] != ',' && message[end] != ';') {
      ++end;
    }
    const std::string_view token = message.substr(slash, end - slash);
    out.append(message.substr(pos, slash - pos));
    out.append(token.find('/', 1) == std::string_view::npos ? token : "(path)");
    pos = end;
  }
  return out;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      catalog::Printable(WithoutPaths(std::string_view(status.message().data(), status.message().size())),
                                         kMaxMessageBytes));
}

grpc::Status UndecodableRequestStatus(const std::string& method) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "request: the body is not a protobuf request message of " +
                          (method.empty() ? std::string("this method") : method));
}

}  // namespace bibia::node
