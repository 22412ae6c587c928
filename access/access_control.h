// The policy point of a node: every request is identified here (anonymous,
// bearer token, or peer certificate), authorized by the rules of policy.h,
// rate-limited if anonymous, and audited. It also owns what identities depend
// on: the installed roster, the token registry and revocations.
#ifndef BIBIA_ACCESS_ACCESS_CONTROL_H_
#define BIBIA_ACCESS_ACCESS_CONTROL_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "access/caller.h"
#include "access/node_files.h"
#include "access/policy.h"
#include "access/rate_limiter.h"
#include "access/refusal_tally.h"
#include "bibia/v1/admin.pb.h"
#include "catalog/store.h"
#include "catalog/clock.h"
#include "catalog/signer.h"

namespace bibia::access {

// Default and longest lifetime of a token.
inline constexpr int64_t kDefaultTokenTtlSeconds = 24 * 3600;
inline constexpr int64_t kMaxTokenTtlSeconds = 366 * 24 * 3600;

// New claims for a token issued by `issuer`; its id is random.
v1::Token NewTokenClaims(const std::string& issuer, const std::string& subject, v1::Tier tier, v1::Role role,
                         int64_t ttl_seconds, int64_t now_unix_ms);

// Signs this node's log entries with its Ed25519 key.
class NodeSigner : public catalog::Signer {
 public:
  explicit NodeSigner(SigningKey key) : key_(std::move(key)) {}
  std::string Sign(std::string_view message) const override { return key_.Sign(message); }

 private:
  SigningKey key_;
};

// For the audit of a refused token: "unverified:<subject>@<issuer>" as the
// token claims it, or "invalid-token" if it cannot even be parsed.
std::string ClaimedSubject(std::string_view bearer);

// Checks the fields of a token request: subject, tier, role, ttl.
absl::Status ValidateTokenRequest(const std::string& subject, v1::Tier tier, v1::Role role, int64_t ttl_seconds);

class AccessControl {
 public:
  struct Options {
    // Anonymous requests per second and burst per address; rate <= 0 disables.
    double anonymous_rate = 50;
    double anonymous_burst = 100;
    // Audit events older than this are deleted at start and then daily.
    int64_t audit_retention_days = 365;
    // Cap on the audit log's size on disk; the oldest events go first.
    uint64_t max_audit_bytes = catalog::kDefaultMaxAuditBytes;
  };

  // What the transport knows about a request.
  struct Credentials {
    std::string address;                   // peer address
    std::optional<std::string> bearer;     // the "authorization" metadata, if any
    std::optional<std::string> peer_certificate_pem;  // client certificate (mTLS), if any
  };

  // `files` and `store` must outlive the object.
  static absl::StatusOr<std::unique_ptr<AccessControl>> Create(const Options& options, const NodeFiles* files,
                                                               catalog::Store* store, catalog::Clock* clock);
  // Audits the sums of refusals still being counted.
  ~AccessControl();

  // Who is calling. UNAUTHENTICATED for a bad, expired, revoked or unknown
  // token (never a crash, whatever the bytes); RESOURCE_EXHAUSTED when an
  // anonymous address exceeds its rate. A client certificate not in the
  // roster identifies nobody: such a caller is anonymous. Thread-safe.
  absl::StatusOr<Caller> Identify(const Credentials& credentials) const;

  // The rules of policy.h for this node. Thread-safe.
  absl::Status Authorize(const Caller& caller, Operation op) const;

  // Records the request if policy.h says so; an error means the event could
  // not be stored (the caller logs it). Refusals of unidentified callers are
  // folded per address, method and outcome over a minute (RefusalTally).
  // Thread-safe.
  absl::Status Audit(const Caller& caller, Operation op, const std::vector<std::string>& record_ids,
             const absl::Status& outcome) const;

  // Admin operations (the caller is already authorized).
  // A token of at most `issuer`'s tier.
  absl::StatusOr<v1::IssueTokenResponse> IssueToken(const v1::IssueTokenRequest& request, const Caller& issuer);
  // Revokes `token_id` here and, through this node's public log, on every
  // node that accepts this node's tokens (a token another node issued is
  // refused here only).
  absl::Status RevokeToken(const std::string& token_id);
  absl::StatusOr<v1::ListTokensResponse> ListTokens() const;
  // What EnforceHeldTier did: the tier it held the store to, and what it
  // dropped above it.
  struct HeldTierEnforced {
    v1::Tier tier = v1::TIER_EXPERT;
    catalog::Replica::DroppedHoldings dropped;
  };
  struct RosterInstalled {
    uint64_t version = 0;
    HeldTierEnforced held;
  };
  // Installs a roster signed by the operator, if newer than the current one,
  // then EnforceHeldTier()s: a roster that lowers this node's tier takes
  // what it held above it away. Installing the installed roster again
  // changes nothing but enforces again (a retry after a failed drop, which
  // is INTERNAL with the roster already installed).
  absl::StatusOr<RosterInstalled> InstallRoster(const v1::SignedRoster& roster);
  // The highest tier of other members' entries this node may receive and
  // hold: its own roster tier; public if the roster does not list it (a
  // member removed from the federation); expert with no roster.
  v1::Tier HeldTier() const ABSL_LOCKS_EXCLUDED(mu_);
  // Makes the store hold no entries of other origins above HeldTier()
  // (Replica::HoldTiersUpTo). The node calls it at start too, for a
  // roster installed just before a crash.
  absl::StatusOr<HeldTierEnforced> EnforceHeldTier();
  v1::GetRosterResponse GetRoster() const;

  // The roster entry of `node_id`, if a roster is installed and lists it.
  std::optional<v1::RosterMember> Member(const std::string& node_id) const;
  // True for this node and the members of its roster: the origins whose
  // entries it can verify, and so sends and receives.
  bool IsLogOrigin(std::string_view node_id) const ABSL_LOCKS_EXCLUDED(mu_) {
    return PublicKeyOf(node_id).has_value();
  }
  // Verifies log entries' signatures with their origin's key: this node's
  // own, or the roster's. Valid as long as this object.
  const catalog::SignatureVerifier& entry_verifier() const { return verifier_; }

  const std::string& node_id() const { return files_->config.node_id(); }

 private:
  AccessControl(const Options& options, const NodeFiles* files, catalog::Store* store, catalog::Clock* clock)
      : options_(options),
        files_(files),
        store_(store),
        clock_(clock),
        limiter_(options.anonymous_rate, options.anonymous_burst),
        verifier_(this) {}
  absl::StatusOr<Caller> FromToken(const std::string& bearer, const std::string& address) const;
  std::optional<Caller> FromPeerCertificate(const std::string& pem, const std::string& address) const;
  absl::Status MaybePruneAudit() const;
  std::optional<std::string> PublicKeyOf(std::string_view node_id) const;

  class RosterVerifier : public catalog::SignatureVerifier {
   public:
    explicit RosterVerifier(const AccessControl* access) : access_(access) {}
    bool Verify(std::string_view origin, std::string_view message, std::string_view signature) const override;

   private:
    const AccessControl* access_;
  };

  const Options options_;
  const NodeFiles* const files_;
  catalog::Store* const store_;
  catalog::Clock* const clock_;
  mutable RateLimiter limiter_;
  mutable RefusalTally refusals_;
  RosterVerifier verifier_;
  // Serialises EnforceHeldTier calls, so that the last roster installed is
  // the one whose tier the store keeps.
  absl::Mutex enforce_mu_;
  mutable absl::Mutex mu_;
  std::optional<v1::SignedRoster> signed_roster_ ABSL_GUARDED_BY(mu_);
  std::optional<v1::Roster> roster_ ABSL_GUARDED_BY(mu_);
  // Token wire form -> the public key it verified with.
  mutable absl::flat_hash_map<std::string, std::string> verified_tokens_ ABSL_GUARDED_BY(mu_);
  // Client certificate PEM -> its SHA-256 fingerprint.
  mutable absl::flat_hash_map<std::string, std::string> fingerprints_ ABSL_GUARDED_BY(mu_);
  mutable int64_t last_prune_ms_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_ACCESS_CONTROL_H_
