// Who is calling: the identity the policy point decides on. Built by
// AccessControl::Identify from the transport, never by handlers themselves.
#ifndef BIBIA_ACCESS_CALLER_H_
#define BIBIA_ACCESS_CALLER_H_

#include <string>

#include "bibia/v1/identity.pb.h"
#include "bibia/v1/project.pb.h"

namespace bibia::access {

struct Caller {
  enum class Kind { kAnonymous, kToken, kPeer };
  Kind kind = Kind::kAnonymous;
  std::string subject;   // token subject or peer node id; empty if anonymous
  std::string issuer;    // node that issued the token
  std::string token_id;
  std::string address;   // transport address, e.g. "ipv4:127.0.0.1:53412"
  v1::Tier tier = v1::TIER_PUBLIC;
  v1::Role role = v1::ROLE_READER;
};

// "reader", "editor", "admin".
std::string RoleName(v1::Role role);
// "public", "restricted", "expert".
std::string TierName(v1::Tier tier);

// "anonymous", "token:alice@nantes", "peer:rennes" — for logs and audit.
std::string Describe(const Caller& caller);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_CALLER_H_
