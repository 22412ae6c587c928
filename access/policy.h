// The policy point: for every request, given the caller, allow it, deny it, or
// project its response down to the caller's tier. No other code decides a tier.
#ifndef BIBIA_ACCESS_POLICY_H_
#define BIBIA_ACCESS_POLICY_H_

#include <vector>

#include "absl/status/status.h"
#include "access/caller.h"
#include "bibia/v1/project.pb.h"

namespace bibia::access {

// Every operation a node serves, whatever the transport.
enum class Operation {
  kSearch,
  kGetProject,
  kListProjects,
  kStats,
  kListFeedback,
  kPutProject,
  kDeleteProject,
  kAddFeedback,
  kImport,
};

const char* OperationName(Operation op);

// The least tier and role an operation needs.
struct Requirement {
  v1::Tier tier;
  Role role;
};
Requirement RequirementOf(Operation op);

class Policy {
 public:
  struct Options {
    // What a caller without credentials gets. Until tokens exist (issue
    // "Access tiers"), a node that has no other way to authenticate editors
    // runs open: see the README's "Access" section.
    v1::Tier anonymous_tier = v1::TIER_PUBLIC;
    Role anonymous_role = Role::kReader;
  };

  explicit Policy(const Options& options) : options_(options) {}

  // Fills in the tier and role of an anonymous caller from the options.
  Caller Resolve(Caller caller) const;

  // OK, or PERMISSION_DENIED naming what is missing. Thread-safe.
  absl::Status Authorize(const Caller& caller, Operation op) const;

  // The facets of `project` that `tier` may read; the others are cleared.
  static void ProjectTo(v1::Tier tier, v1::Project* project);

 private:
  const Options options_;
};

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_POLICY_H_
