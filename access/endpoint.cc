#include "access/endpoint.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace bibia::access {
namespace {

bool ValidHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    // An IPv6 literal: its colons are why the port is found by the last one.
    if (host.size() < 3 || host.back() != ']') return false;
    for (char c : host.substr(1, host.size() - 2)) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    }
    return true;
  }
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    // Names and IPv4 addresses; a colon here would be an unbracketed IPv6 one.
    if (!absl::ascii_isalnum(u) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

absl::Status CheckEndpoint(std::string_view endpoint, std::string_view what, bool allow_port_zero) {
  const auto view = [](std::string_view s) { return absl::string_view(s.data(), s.size()); };
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(view(what), ": expected HOST:PORT, got '", view(endpoint), "' (", view(why), ")"));
  };
  const size_t colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  const std::string_view host = endpoint.substr(0, colon);
  const std::string_view port = endpoint.substr(colon + 1);
  if (!ValidHost(host)) return bad(host.empty() ? "no host" : "bad host");
  if (port.empty() || port.size() > 5) return bad("the port must be a number from 1 to 65535");
  int number = 0;
  for (char c : port) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad("the port must be a number from 1 to 65535");
    number = number * 10 + (c - '0');
  }
  if (number > 65535 || (number == 0 && !allow_port_zero)) {
    return bad(allow_port_zero ? "the port must be from 0 to 65535" : "the port must be a number from 1 to 65535");
  }
  return absl::OkStatus();
}

}  // namespace bibia::access
