#include "access/caller.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace bibia::access {

std::string RoleName(v1::Role role) {
  return role == v1::ROLE_UNSPECIFIED ? "none" : absl::AsciiStrToLower(v1::Role_Name(role).substr(5));
}

std::string TierName(v1::Tier tier) {
  return tier == v1::TIER_UNSPECIFIED ? "none" : absl::AsciiStrToLower(v1::Tier_Name(tier).substr(5));
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
