#include "access/policy.h"

#include "absl/strings/str_cat.h"

namespace bibia::access {

const char* OperationName(Operation op) {
  switch (op) {
    case Operation::kSearch: return "Search";
    case Operation::kGetProject: return "GetProject";
    case Operation::kListProjects: return "ListProjects";
    case Operation::kStats: return "Stats";
    case Operation::kListFeedback: return "ListFeedback";
    case Operation::kPutProject: return "PutProject";
    case Operation::kDeleteProject: return "DeleteProject";
    case Operation::kAddFeedback: return "AddFeedback";
    case Operation::kImport: return "Import";
  }
  return "?";
}

Requirement RequirementOf(Operation op) {
  switch (op) {
    case Operation::kSearch:
    case Operation::kGetProject:  // projected: every tier gets what it may see
    case Operation::kListProjects:
    case Operation::kStats:
      return {v1::TIER_PUBLIC, Role::kReader};
    case Operation::kListFeedback:
      return {v1::TIER_RESTRICTED, Role::kReader};
    case Operation::kPutProject:
    case Operation::kDeleteProject:
    case Operation::kImport:
      return {v1::TIER_PUBLIC, Role::kEditor};
    case Operation::kAddFeedback:
      return {v1::TIER_RESTRICTED, Role::kEditor};
  }
  return {v1::TIER_EXPERT, Role::kAdmin};  // unknown operations: most restrictive
}

Caller Policy::Resolve(Caller caller) const {
  if (caller.kind == Caller::Kind::kAnonymous) {
    caller.tier = options_.anonymous_tier;
    caller.role = options_.anonymous_role;
  }
  return caller;
}

absl::Status Policy::Authorize(const Caller& caller, Operation op) const {
  Requirement need = RequirementOf(op);
  if (caller.tier < need.tier) {
    return absl::PermissionDeniedError(absl::StrCat(OperationName(op), " needs tier ",
                                                    v1::Tier_Name(need.tier), "; caller ", Describe(caller),
                                                    " has ", v1::Tier_Name(caller.tier)));
  }
  if (static_cast<int>(caller.role) < static_cast<int>(need.role)) {
    return absl::PermissionDeniedError(absl::StrCat(OperationName(op), " needs role ", RoleName(need.role),
                                                    "; caller ", Describe(caller), " is ",
                                                    RoleName(caller.role)));
  }
  return absl::OkStatus();
}

void Policy::ProjectTo(v1::Tier tier, v1::Project* project) {
  if (tier < v1::TIER_RESTRICTED) project->clear_restricted();
  if (tier < v1::TIER_EXPERT) project->clear_expert();
  if (tier < v1::TIER_PUBLIC) project->clear_public_();
}

}  // namespace bibia::access
