// Who is calling: the identity the policy point decides on. Built by node/
// from the transport (address, credentials), never by handlers themselves.
#ifndef BIBIA_ACCESS_CALLER_H_
#define BIBIA_ACCESS_CALLER_H_

#include <string>

#include "bibia/v1/project.pb.h"

namespace bibia::access {

// What a caller may do besides reading: editors write their node's records,
// admins also manage tokens, peers and the audit log.
enum class Role { kReader = 0, kEditor = 1, kAdmin = 2 };

const char* RoleName(Role role);

struct Caller {
  enum class Kind { kAnonymous, kToken, kPeer };
  Kind kind = Kind::kAnonymous;
  std::string subject;      // token subject or peer node id; empty if anonymous
  std::string issuer;       // node that issued the token
  std::string address;      // transport address, e.g. "ipv4:127.0.0.1:53412"
  v1::Tier tier = v1::TIER_PUBLIC;
  Role role = Role::kReader;
};

// "anonymous", "token:alice@nantes", "peer:rennes" — for logs and audit.
std::string Describe(const Caller& caller);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_CALLER_H_
