#include "access/access_control.h"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "access/roster.h"
#include "access/tls_certificate.h"
#include "access/token.h"
#include "catalog/validate.h"

namespace bibia::access {
namespace {

constexpr char kRosterSetting[] = "roster";
constexpr char kTokenSettingPrefix[] = "token/";
constexpr char kLegacyRevokedSettingPrefix[] = "revoked/";
constexpr int64_t kDayMs = 24 * 3600 * 1000;
// Bound of the verification caches; past it they start again empty.
constexpr size_t kMaxCachedVerifications = 10000;

double MonotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string FormatTime(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

bool IsTokenId(const std::string& id) {
  if (id.size() != 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

v1::Token NewTokenClaims(const std::string& issuer, const std::string& subject, v1::Tier tier, v1::Role role,
                         int64_t ttl_seconds, int64_t now_unix_ms) {
  unsigned char random[16];
  RAND_bytes(random, sizeof random);
  v1::Token claims;
  claims.set_token_id(Hex(std::string_view(reinterpret_cast<char*>(random), sizeof random)));
  claims.set_subject(subject);
  claims.set_issuer(issuer);
  claims.set_tier(tier);
  claims.set_role(role);
  claims.set_issued_unix_ms(now_unix_ms);
  claims.set_expires_unix_ms(now_unix_ms + ttl_seconds * 1000);
  return claims;
}

std::string ClaimedSubject(std::string_view bearer) {
  constexpr std::string_view kScheme = "Bearer ";
  if (bearer.size() > kScheme.size() && bearer.substr(0, kScheme.size()) == kScheme) {
    if (auto parsed = ParseToken(bearer.substr(kScheme.size())); parsed.ok()) {
      return absl::StrCat("unverified:", parsed->claims.subject(), "@", parsed->claims.issuer());
    }
  }
  return "invalid-token";
}

absl::Status ValidateTokenRequest(const std::string& subject, v1::Tier tier, v1::Role role, int64_t ttl_seconds) {
  if (subject.empty() || subject.size() > 200) return absl::InvalidArgumentError("subject: 1 to 200 characters");
  if (absl::Status utf8 = catalog::CheckUtf8("subject", subject); !utf8.ok()) return utf8;
  if (tier == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(tier)) return absl::InvalidArgumentError("tier: required");
  if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) return absl::InvalidArgumentError("role: required");
  if (ttl_seconds <= 0 || ttl_seconds > kMaxTokenTtlSeconds) {
    return absl::InvalidArgumentError(absl::StrCat("ttl: must be between 1 s and ", kMaxTokenTtlSeconds, " s"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AccessControl>> AccessControl::Create(const Options& options, const NodeFiles* files,
                                                                     catalog::Store* store,
                                                                     catalog::Clock* clock) {
  auto control = std::unique_ptr<AccessControl>(new AccessControl(options, files, store, clock));
  store->audit()->set_max_bytes(options.max_audit_bytes);
  absl::MutexLock lock(&control->mu_);
  auto stored = store->GetSetting(kRosterSetting);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    v1::SignedRoster signed_roster;
    if (!signed_roster.ParseFromString(**stored)) return absl::DataLossError("stored roster: unreadable");
    if (!files->operator_public_key) {
      return absl::FailedPreconditionError("a roster is installed but operator.pub is missing from the data dir");
    }
    auto roster = VerifyRoster(signed_roster, *files->operator_public_key);
    if (!roster.ok()) return absl::DataLossError(absl::StrCat("stored roster: ", roster.status().message()));
    control->signed_roster_ = signed_roster;
    control->roster_ = *roster;
  }
  // Revocations used to be local settings; they are log records now, so that
  // they reach every node. Move any left from an older version.
  auto legacy = store->ScanSettings(kLegacyRevokedSettingPrefix);
  if (!legacy.ok()) return legacy.status();
  for (const auto& [name, unused] : *legacy) {
    if (auto s = store->RevokeToken(name.substr(sizeof(kLegacyRevokedSettingPrefix) - 1)); !s.ok()) return s;
    if (auto s = store->DeleteSetting(name); !s.ok()) return s;
  }
  return control;
}

absl::StatusOr<Caller> AccessControl::Identify(const Credentials& credentials) const {
  if (credentials.bearer) {
    auto caller = FromToken(*credentials.bearer, credentials.address);
    // A bad token must not be a way around the anonymous rate limit.
    if (!caller.ok() && !limiter_.Allow(RateLimitKey(credentials.address), MonotonicSeconds())) {
      return absl::ResourceExhaustedError("requests with invalid tokens from this address exceed the anonymous rate");
    }
    return caller;
  }
  if (credentials.peer_certificate_pem) {
    if (auto peer = FromPeerCertificate(*credentials.peer_certificate_pem, credentials.address)) return *peer;
  }
  Caller anonymous;
  anonymous.address = credentials.address;
  if (!limiter_.Allow(RateLimitKey(credentials.address), MonotonicSeconds())) {
    return absl::ResourceExhaustedError(absl::StrCat("anonymous requests from this address exceed ",
                                                     options_.anonymous_rate,
                                                     " per second; slow down or use a token"));
  }
  return anonymous;
}

absl::StatusOr<Caller> AccessControl::FromToken(const std::string& bearer, const std::string& address) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (bearer.size() <= kScheme.size() || bearer.compare(0, kScheme.size(), kScheme) != 0) {
    return absl::UnauthenticatedError("authorization metadata: expected 'Bearer <token>'");
  }
  auto parsed = ParseToken(std::string_view(bearer).substr(kScheme.size()));
  if (!parsed.ok()) return parsed.status();
  const v1::Token& claims = parsed->claims;
  std::string public_key;
  v1::Tier tier_cap = v1::TIER_EXPERT;
  {
    absl::MutexLock lock(&mu_);
    if (claims.issuer() == node_id()) {
      public_key = files_->key.PublicKey();
    } else if (const v1::RosterMember* member = roster_ ? FindMember(*roster_, claims.issuer()) : nullptr) {
      public_key = member->public_key();
      tier_cap = member->max_tier();  // a node cannot grant more than it may receive
    } else {
      return absl::UnauthenticatedError(
          absl::StrCat("token: issuer '", claims.issuer(), "' is neither this node nor in the roster"));
    }
  }
  // Revoked by its issuer (here, or replicated from the issuer's node), or
  // refused by this node whoever issued it.
  for (const std::string* by : {&claims.issuer(), &node_id()}) {
    absl::StatusOr<bool> revoked = store_->IsRevoked(*by, claims.token_id());
    if (!revoked.ok()) return revoked.status();
    if (*revoked) return absl::UnauthenticatedError("token: revoked");
  }
  // An Ed25519 verification costs ~75 µs; a token is presented many times.
  // Only "these exact bytes verify with this key" is remembered: revocation,
  // expiry and the roster are checked on every request.
  const std::string token(std::string_view(bearer).substr(kScheme.size()));
  bool verified = false;
  {
    absl::MutexLock lock(&mu_);
    auto it = verified_tokens_.find(token);
    verified = it != verified_tokens_.end() && it->second == public_key;
  }
  if (!verified) {
    if (!VerifySignature(public_key, parsed->signed_bytes, parsed->signature)) {
      return absl::UnauthenticatedError(
          absl::StrCat("token: signature does not verify with the key of node '", claims.issuer(), "'"));
    }
    absl::MutexLock lock(&mu_);
    if (verified_tokens_.size() >= kMaxCachedVerifications) verified_tokens_.clear();
    verified_tokens_[token] = public_key;
  }
  if (clock_->NowMillis() >= claims.expires_unix_ms()) {
    return absl::UnauthenticatedError(absl::StrCat("token: expired at ", FormatTime(claims.expires_unix_ms())));
  }
  if (claims.tier() == v1::TIER_UNSPECIFIED || !v1::Tier_IsValid(claims.tier()) ||
      claims.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(claims.role())) {
    return absl::UnauthenticatedError("token: invalid tier or role");
  }
  Caller caller;
  caller.kind = Caller::Kind::kToken;
  caller.subject = claims.subject();
  caller.issuer = claims.issuer();
  caller.token_id = claims.token_id();
  caller.address = address;
  caller.tier = std::min(claims.tier(), tier_cap);
  caller.role = claims.role();
  return caller;
}

std::optional<Caller> AccessControl::FromPeerCertificate(const std::string& pem, const std::string& address) const {
  std::string fingerprint;
  {
    absl::MutexLock lock(&mu_);
    if (!roster_) return std::nullopt;
    if (auto it = fingerprints_.find(pem); it != fingerprints_.end()) fingerprint = it->second;
  }
  if (fingerprint.empty()) {  // parsing the certificate costs more than a token check: remember it
    auto computed = CertificateFingerprint(pem);
    if (!computed.ok()) return std::nullopt;
    fingerprint = *computed;
    absl::MutexLock lock(&mu_);
    if (fingerprints_.size() >= kMaxCachedVerifications) fingerprints_.clear();
    fingerprints_[pem] = fingerprint;
  }
  absl::MutexLock lock(&mu_);
  if (!roster_) return std::nullopt;
  for (const auto& member : roster_->members()) {
    if (member.tls_fingerprint() == fingerprint) {
      Caller caller;
      caller.kind = Caller::Kind::kPeer;
      caller.subject = member.node_id();
      caller.address = address;
      caller.tier = member.max_tier();
      caller.role = v1::ROLE_READER;
      return caller;
    }
  }
  return std::nullopt;
}

absl::Status AccessControl::Authorize(const Caller& caller, Operation op) const {
  return access::Authorize(caller, op, node_id());
}

absl::Status AccessControl::Audit(const Caller& caller, Operation op, const std::vector<std::string>& record_ids,
                                  const absl::Status& outcome) const {
  if (!ShouldAudit(caller, op)) return absl::OkStatus();
  v1::AuditEvent event;
  event.set_subject(caller.subject.empty() ? "anonymous" : caller.subject);
  event.set_issuer(caller.issuer);
  event.set_method(OperationName(op));
  constexpr size_t kMaxAuditedIds = 100;  // a 50,000-record import stays one small event
  for (size_t i = 0; i < record_ids.size() && i < kMaxAuditedIds; ++i) event.add_record_ids(record_ids[i]);
  if (record_ids.size() > kMaxAuditedIds) {
    event.add_record_ids(absl::StrCat("(and ", record_ids.size() - kMaxAuditedIds, " more)"));
  }
  event.set_outcome(outcome.ok() ? "OK" : absl::StatusCodeToString(outcome.code()));
  event.set_tier(caller.tier);
  event.set_peer(caller.address);
  // Refusals of unidentified callers are folded per address and minute: a
  // flood of them writes one event per key and minute, plus its sum later.
  std::vector<v1::AuditEvent> events;
  if (caller.kind == Caller::Kind::kAnonymous && !outcome.ok()) {
    const bool first = refusals_.Count(RateLimitKey(caller.address), event, clock_->NowMillis(), &events);
    if (first) events.push_back(std::move(event));
  } else {
    events.push_back(std::move(event));
  }
  // Accepted writes are fsynced with their audit event; refusals are not, so
  // that a flood of refused calls cannot force a flood of disk syncs.
  const bool is_write = RequirementOf(op).role > v1::ROLE_READER && outcome.ok();
  for (v1::AuditEvent& e : events) {
    if (absl::Status s = store_->audit()->Append(std::move(e), is_write); !s.ok()) return s;
  }
  return MaybePruneAudit();
}

AccessControl::~AccessControl() {
  for (v1::AuditEvent& e : refusals_.TakeAll()) {
    (void)store_->audit()->Append(std::move(e), /*durable=*/false);  // best effort at shutdown
  }
}

absl::Status AccessControl::MaybePruneAudit() const {
  const int64_t now = clock_->NowMillis();
  {
    absl::MutexLock lock(&mu_);
    if (now - last_prune_ms_ < kDayMs) return absl::OkStatus();
    last_prune_ms_ = now;
  }
  return store_->audit()->Prune(now - options_.audit_retention_days * kDayMs);
}

absl::StatusOr<v1::IssueTokenResponse> AccessControl::IssueToken(const v1::IssueTokenRequest& request,
                                                                  const Caller& issuer) {
  const int64_t ttl = request.ttl_seconds() == 0 ? kDefaultTokenTtlSeconds : request.ttl_seconds();
  if (auto s = ValidateTokenRequest(request.subject(), request.tier(), request.role(), ttl); !s.ok()) return s;
  if (request.tier() > issuer.tier) {
    return absl::PermissionDeniedError(absl::StrCat("tier: an admin of tier ", TierName(issuer.tier),
                                                    " cannot issue a token of tier ", TierName(request.tier())));
  }
  v1::IssueTokenResponse response;
  *response.mutable_claims() =
      NewTokenClaims(node_id(), request.subject(), request.tier(), request.role(), ttl, clock_->NowMillis());
  if (auto s = store_->PutSetting(absl::StrCat(kTokenSettingPrefix, response.claims().token_id()),
                                  response.claims().SerializeAsString());
      !s.ok()) {
    return s;
  }
  response.set_token(EncodeToken(response.claims(), files_->key));
  return response;
}

absl::Status AccessControl::RevokeToken(const std::string& token_id) {
  if (!IsTokenId(token_id)) return absl::InvalidArgumentError("token_id: expected 32 hexadecimal characters");
  return store_->RevokeToken(token_id);
}

absl::StatusOr<v1::ListTokensResponse> AccessControl::ListTokens() const {
  auto issued = store_->ScanSettings(kTokenSettingPrefix);
  if (!issued.ok()) return issued.status();
  auto revoked_ids = store_->RevokedByThisNode();
  if (!revoked_ids.ok()) return revoked_ids.status();
  const absl::flat_hash_set<std::string> revoked(revoked_ids->begin(), revoked_ids->end());
  v1::ListTokensResponse response;
  absl::flat_hash_set<std::string> listed;
  for (const auto& [name, value] : *issued) {
    v1::TokenInfo* info = response.add_tokens();
    if (!info->mutable_claims()->ParseFromString(value)) return absl::DataLossError("token registry: unreadable");
    info->set_revoked(revoked.contains(info->claims().token_id()));
    listed.insert(info->claims().token_id());
  }
  for (const auto& id : *revoked_ids) {  // revoked tokens issued offline (bibia-node token issue)
    if (listed.contains(id)) continue;
    v1::TokenInfo* info = response.add_tokens();
    info->mutable_claims()->set_token_id(id);
    info->set_revoked(true);
  }
  return response;
}

absl::StatusOr<AccessControl::RosterInstalled> AccessControl::InstallRoster(const v1::SignedRoster& signed_roster) {
  if (!files_->operator_public_key) {
    return absl::FailedPreconditionError(
        "this node has no operator key: put the federation operator's public key in <data dir>/operator.pub");
  }
  auto roster = VerifyRoster(signed_roster, *files_->operator_public_key);
  if (!roster.ok()) return roster.status();
  RosterInstalled installed;
  {
    absl::MutexLock lock(&mu_);
    const bool again = roster_ && roster->version() == roster_->version() && signed_roster_ &&
                       signed_roster_->SerializeAsString() == signed_roster.SerializeAsString();
    if (!again && roster_ && roster->version() <= roster_->version()) {
      return absl::FailedPreconditionError(absl::StrCat("roster: version ", roster->version(),
                                                        " is not newer than the installed version ",
                                                        roster_->version()));
    }
    if (!again) {
      if (auto s = store_->PutSetting(kRosterSetting, signed_roster.SerializeAsString()); !s.ok()) return s;
      signed_roster_ = signed_roster;
      roster_ = *roster;
    }
    installed.version = roster_->version();
  }
  auto held = EnforceHeldTier();
  if (!held.ok()) {
    return absl::InternalError(absl::StrCat("roster version ", installed.version, " installed, but dropping what ",
                                            "this node holds above its tier failed (install it again, or restart ",
                                            "the node, to retry): ", held.status().message()));
  }
  installed.held = *held;
  return installed;
}

v1::Tier AccessControl::HeldTier() const {
  absl::MutexLock lock(&mu_);
  if (!roster_) return v1::TIER_EXPERT;  // a federation of one holds only its own
  const v1::RosterMember* self = FindMember(*roster_, node_id());
  // Not a member (removed from the federation): members' data is not for it.
  return self != nullptr ? self->max_tier() : v1::TIER_PUBLIC;
}

absl::StatusOr<AccessControl::HeldTierEnforced> AccessControl::EnforceHeldTier() {
  absl::MutexLock lock(&enforce_mu_);
  HeldTierEnforced enforced;
  enforced.tier = HeldTier();
  auto dropped = store_->HoldTiersUpTo(enforced.tier);
  if (!dropped.ok()) return dropped.status();
  enforced.dropped = *dropped;
  return enforced;
}

v1::GetRosterResponse AccessControl::GetRoster() const {
  v1::GetRosterResponse response;
  absl::MutexLock lock(&mu_);
  if (signed_roster_) *response.mutable_roster() = *signed_roster_;
  if (roster_) *response.mutable_decoded() = *roster_;
  return response;
}

}  // namespace bibia::access

namespace bibia::access {

std::optional<v1::RosterMember> AccessControl::Member(const std::string& node_id) const {
  absl::MutexLock lock(&mu_);
  if (!roster_) return std::nullopt;
  const v1::RosterMember* member = FindMember(*roster_, node_id);
  if (member == nullptr) return std::nullopt;
  return *member;
}

std::optional<std::string> AccessControl::PublicKeyOf(std::string_view node_id) const {
  if (node_id == this->node_id()) return files_->key.PublicKey();
  absl::MutexLock lock(&mu_);
  if (!roster_) return std::nullopt;
  const v1::RosterMember* member = FindMember(*roster_, node_id);
  if (member == nullptr) return std::nullopt;
  return member->public_key();
}

bool AccessControl::RosterVerifier::Verify(std::string_view origin, std::string_view message,
                                           std::string_view signature) const {
  std::optional<std::string> key = access_->PublicKeyOf(origin);
  return key && VerifySignature(*key, message, signature);
}

}  // namespace bibia::access
