// Text that came from a caller, made safe to store in the audit log, write to
// the node's log and echo back in an error message.
#ifndef BIBIA_CATALOG_PRINTABLE_H_
#define BIBIA_CATALOG_PRINTABLE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace bibia::catalog {

// Longest caller-supplied value (an id, a subject, an address) kept whole in
// an audit event or a log field.
inline constexpr size_t kMaxEchoedValueBytes = 200;

// `text` with control characters (C0, DEL, C1) and bytes that are not UTF-8
// escaped as \xNN (\u{NN} for C1), so that nothing written reaches a
// terminal as a command. If the result would exceed `max_bytes`, it is cut
// on a character boundary and "…(N bytes)" (N: the size of `text`) is
// appended; the result is then at most `max_bytes` + 24 bytes.
std::string Printable(std::string_view text, size_t max_bytes = kMaxEchoedValueBytes);

// Longest error message a caller gets back (gRPC or HTTP): enough for any
// message of ours, short of echoing a caller's megabytes.
inline constexpr size_t kMaxCallerMessageBytes = 1024;

// An error message as a caller may see it, whatever the transport: every
// absolute file path (a token that starts with '/' and holds another '/', as
// RocksDB's and the OS's messages name files) replaced by "(path)", then
// Printable within kMaxCallerMessageBytes.
std::string CallerMessage(std::string_view message);

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_PRINTABLE_H_
