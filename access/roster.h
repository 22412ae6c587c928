// The federation roster: signing (by the operator) and verification (by nodes
// and clients) of the list of member nodes, their keys and tiers.
#ifndef BIBIA_ACCESS_ROSTER_H_
#define BIBIA_ACCESS_ROSTER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "access/signing.h"
#include "bibia/v1/identity.pb.h"

namespace bibia::access {

// Checks the roster's own consistency: node ids of [a-z0-9-]{1,80}, unique,
// as are keys and TLS certificates; 32-byte keys; a certificate and its
// SHA-256 fingerprint and a tier for each member; endpoints (when given) of
// the HOST:PORT form. INVALID_ARGUMENT names the member at fault.
absl::Status ValidateRoster(const v1::Roster& roster);

v1::SignedRoster SignRoster(const v1::Roster& roster, const SigningKey& operator_key);

// The roster, if `signed_roster` is valid and signed by `operator_public_key`;
// else UNAUTHENTICATED or INVALID_ARGUMENT.
absl::StatusOr<v1::Roster> VerifyRoster(const v1::SignedRoster& signed_roster, std::string_view operator_public_key);

// The member with `node_id`, or null.
const v1::RosterMember* FindMember(const v1::Roster& roster, std::string_view node_id);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_ROSTER_H_
