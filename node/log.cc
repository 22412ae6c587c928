#include "node/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "catalog/printable.h"
#include "grpc/support/log.h"

namespace bibia::node {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

// Longest value written whole in a log line: a caller's 4 MB id must not
// become 4 MB of log.
constexpr size_t kMaxLogValueBytes = 2048;

// `value` as Printable() makes it (control characters escaped, cut at
// kMaxLogValueBytes), quoted if it holds a space, a quote or an '=', with
// quotes and backslashes escaped inside the quotes (so no value can close
// its quotes and add fields of its own).
void AppendValue(std::string* line, std::string_view raw) {
  const std::string value = catalog::Printable(raw, kMaxLogValueBytes);
  bool quote = value.empty() || value.find_first_of(" \"=") != std::string::npos;
  if (!quote) {
    line->append(value);
    return;
  }
  line->push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') line->push_back('\\');
    line->push_back(c);
  }
  line->push_back('"');
}

void ForwardGrpcLog(gpr_log_func_args* args) {
  const LogLevel level = args->severity == GPR_LOG_SEVERITY_ERROR  ? LogLevel::kError
                         : args->severity == GPR_LOG_SEVERITY_INFO ? LogLevel::kInfo
                                                                   : LogLevel::kDebug;
  Log(level, "grpc", {{"detail", args->message}, {"at", absl::StrCat(args->file, ":", args->line)}});
}

}  // namespace

void RouteGrpcLogs() { gpr_set_log_function(ForwardGrpcLog); }

void SetLogLevel(LogLevel level) { min_level = static_cast<int>(level); }

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) return;
  std::string line = absl::StrCat("ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                                  " level=", LevelName(level), " msg=");
  AppendValue(&line, message);
  for (const auto& [key, value] : fields) {
    line.push_back(' ');
    line.append(key.data(), key.size());
    line.push_back('=');
    AppendValue(&line, value);
  }
  line.push_back('\n');
  ssize_t unused = ::write(STDERR_FILENO, line.data(), line.size());
  (void)unused;
}

}  // namespace bibia::node
