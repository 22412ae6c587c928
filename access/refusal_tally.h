// Refused calls of unidentified callers (anonymous, or with a token that does
// not verify), folded per address, method and outcome over a minute: a flood
// of them costs the audit log one event per key and minute instead of one
// per call.
#ifndef BIBIA_ACCESS_REFUSAL_TALLY_H_
#define BIBIA_ACCESS_REFUSAL_TALLY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "bibia/v1/identity.pb.h"

namespace bibia::access {

// Keys a minute holds at most; refusals beyond them are folded under the
// address "(other addresses)".
inline constexpr size_t kMaxRefusalKeysPerMinute = 256;

class RefusalTally {
 public:
  // Counts `event` (a refusal from `address_key`, e.g. an address without
  // its port, at `now_ms`). Returns true if it is the first of its key in
  // its minute: the caller audits it at once. Events that sum up the
  // earlier minutes' other refusals (their `count` set) are appended to
  // `*due`, for the caller to audit. Thread-safe.
  bool Count(const std::string& address_key, const v1::AuditEvent& event, int64_t now_ms,
             std::vector<v1::AuditEvent>* due) ABSL_LOCKS_EXCLUDED(mu_);

  // The sums of every minute counted so far (at shutdown). Thread-safe.
  std::vector<v1::AuditEvent> TakeAll() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Tally {
    v1::AuditEvent first;  // the event that opened the key, as audited
    uint32_t more = 0;     // refusals after it in the same minute
  };
  void TakeSums(std::vector<v1::AuditEvent>* due) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  int64_t minute_ ABSL_GUARDED_BY(mu_) = -1;
  absl::flat_hash_map<std::string, Tally> tallies_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_REFUSAL_TALLY_H_
