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

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_PRINTABLE_H_
