#include "access/roster.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "access/endpoint.h"

namespace bibia::access {
namespace {

constexpr size_t kFingerprintBytes = 32;

// The alphabet of node ids (the same as project ids).
bool IsNodeId(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateRoster(const v1::Roster& roster) {
  absl::flat_hash_set<std::string> ids, keys, fingerprints;
  for (int i = 0; i < roster.members_size(); ++i) {
    const v1::RosterMember& m = roster.members(i);
    std::string where = absl::StrCat("roster.members[", i, "] (", m.node_id(), ")");
    if (m.node_id().empty()) return absl::InvalidArgumentError(absl::StrCat(where, ".node_id: required"));
    if (!IsNodeId(m.node_id())) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".node_id: must match [a-z0-9-]{1,80}"));
    }
    if (!ids.insert(m.node_id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".node_id: duplicate"));
    }
    if (m.public_key().size() != kPublicKeyBytes) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".public_key: not a 32-byte Ed25519 key"));
    }
    if (m.max_tier() == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(m.max_tier())) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".max_tier: required"));
    }
    // A peer is known by its TLS fingerprint and its entries by its key: two
    // members sharing either would make its tier, or an entry's origin, ambiguous.
    if (!keys.insert(m.public_key()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".public_key: the key of another member"));
    }
    // Without its certificate a member could neither be reached (peers trust
    // exactly the roster's certificate) nor recognised when it calls.
    if (m.tls_certificate().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".tls_certificate: required"));
    }
    if (m.tls_fingerprint().size() != kFingerprintBytes) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".tls_fingerprint: not a SHA-256 (32 bytes)"));
    }
    if (!fingerprints.insert(m.tls_fingerprint()).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".tls_fingerprint: the certificate of another member"));
    }
    if (!m.endpoint().empty()) {
      if (absl::Status s = CheckEndpoint(m.endpoint(), absl::StrCat(where, ".endpoint")); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

v1::SignedRoster SignRoster(const v1::Roster& roster, const SigningKey& operator_key) {
  v1::SignedRoster signed_roster;
  signed_roster.set_roster(roster.SerializeAsString());
  signed_roster.set_signature(operator_key.Sign(signed_roster.roster()));
  return signed_roster;
}

absl::StatusOr<v1::Roster> VerifyRoster(const v1::SignedRoster& signed_roster, std::string_view operator_public_key) {
  if (!VerifySignature(operator_public_key, signed_roster.roster(), signed_roster.signature())) {
    return absl::UnauthenticatedError("roster: signature does not verify with the operator's public key");
  }
  v1::Roster roster;
  if (!roster.ParseFromString(signed_roster.roster())) return absl::InvalidArgumentError("roster: malformed");
  if (absl::Status s = ValidateRoster(roster); !s.ok()) return s;
  return roster;
}

const v1::RosterMember* FindMember(const v1::Roster& roster, std::string_view node_id) {
  for (const auto& m : roster.members()) {
    if (m.node_id() == node_id) return &m;
  }
  return nullptr;
}

}  // namespace bibia::access
