#include "access/caller.h"

#include "absl/strings/str_cat.h"

namespace bibia::access {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kReader: return "reader";
    case Role::kEditor: return "editor";
    case Role::kAdmin: return "admin";
  }
  return "reader";
}

std::string Describe(const Caller& caller) {
  switch (caller.kind) {
    case Caller::Kind::kAnonymous: return "anonymous";
    case Caller::Kind::kToken: return absl::StrCat("token:", caller.subject, "@", caller.issuer);
    case Caller::Kind::kPeer: return absl::StrCat("peer:", caller.subject);
  }
  return "anonymous";
}

}  // namespace bibia::access
