// Structured log lines on stderr: `ts=... level=info msg="..." key=value ...`,
// one event per line, so that journald and log tools can filter on fields.
#ifndef BIBIA_NODE_LOG_H_
#define BIBIA_NODE_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace bibia::node {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Events below this level are dropped. Not thread-safe to change while serving.
void SetLogLevel(LogLevel level);

using LogField = std::pair<std::string_view, std::string>;

// Writes one line atomically (a single write(2)); values with spaces, quotes or
// '=' are quoted, control characters escaped (\xNN), and each value cut at
// 2 KiB (catalog::Printable), so a caller's bytes never reach a terminal
// as commands nor fill the disk. Thread-safe.
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

// Sends gRPC's own log lines (bind failures, handshake errors) through Log as
// msg=grpc events, instead of gRPC's unstructured stderr format. Call once,
// before gRPC starts.
void RouteGrpcLogs();

}  // namespace bibia::node

#endif  // BIBIA_NODE_LOG_H_
