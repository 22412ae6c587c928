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
    case Operation::kIssueToken: return "IssueToken";
    case Operation::kRevokeToken: return "RevokeToken";
    case Operation::kListTokens: return "ListTokens";
    case Operation::kListAudit: return "ListAudit";
    case Operation::kInstallRoster: return "InstallRoster";
    case Operation::kGetRoster: return "GetRoster";
    case Operation::kRedactHistory: return "RedactHistory";
    case Operation::kSync: return "Sync";
    case Operation::kSubscribe: return "Subscribe";
    case Operation::kAddPeer: return "AddPeer";
    case Operation::kRemovePeer: return "RemovePeer";
    case Operation::kListPeers: return "ListPeers";
    case Operation::kSyncNow: return "SyncNow";
    case Operation::kFederationStatus: return "FederationStatus";
    case Operation::kArtifactRead: return "ArtifactRead";
    case Operation::kArtifactWrite: return "ArtifactWrite";
    case Operation::kFetchChunks: return "FetchChunks";
  }
  return "?";
}

Requirement RequirementOf(Operation op) {
  switch (op) {
    case Operation::kSearch:
    case Operation::kGetProject:  // projected: every tier gets what it may see
    case Operation::kListProjects:
    case Operation::kStats:
      return {v1::TIER_PUBLIC, v1::ROLE_READER, false};
    case Operation::kListFeedback:
      return {v1::TIER_RESTRICTED, v1::ROLE_READER, false};
    case Operation::kPutProject:
    case Operation::kDeleteProject:
    case Operation::kImport:
    case Operation::kRedactHistory:
      return {v1::TIER_PUBLIC, v1::ROLE_EDITOR, true};
    case Operation::kSync:  // entries are filtered down to the peer's roster tier
    case Operation::kSubscribe:
      return {v1::TIER_PUBLIC, v1::ROLE_READER, false, true};
    case Operation::kAddFeedback:
      return {v1::TIER_RESTRICTED, v1::ROLE_EDITOR, true};
    case Operation::kArtifactRead:
      return {v1::TIER_EXPERT, v1::ROLE_READER, false};
    case Operation::kArtifactWrite:
      return {v1::TIER_EXPERT, v1::ROLE_EDITOR, true};
    case Operation::kFetchChunks:  // the peer's roster tier
      return {v1::TIER_EXPERT, v1::ROLE_READER, false, true};
    case Operation::kIssueToken:
    case Operation::kRevokeToken:
    case Operation::kListTokens:
    case Operation::kListAudit:
    case Operation::kInstallRoster:
    case Operation::kGetRoster:
    case Operation::kAddPeer:
    case Operation::kRemovePeer:
    case Operation::kListPeers:
    case Operation::kSyncNow:
    case Operation::kFederationStatus:
      return {v1::TIER_PUBLIC, v1::ROLE_ADMIN, true};
  }
  return {v1::TIER_EXPERT, v1::ROLE_ADMIN, true};  // unknown: most restrictive
}

absl::Status Authorize(const Caller& caller, Operation op, std::string_view node_id) {
  const Requirement need = RequirementOf(op);
  if (need.peer && caller.kind != Caller::Kind::kPeer) {
    std::string why = absl::StrCat(OperationName(op), " is for roster nodes: it needs a TLS client certificate listed in the roster");
    if (caller.kind == Caller::Kind::kAnonymous) return absl::UnauthenticatedError(why);
    return absl::PermissionDeniedError(absl::StrCat(why, "; caller is ", Describe(caller)));
  }
  const bool tier_ok = caller.tier >= need.tier;
  const bool role_ok = caller.role >= need.role;
  const bool local_ok = !need.local || (caller.kind == Caller::Kind::kToken && caller.issuer == node_id);
  if (tier_ok && role_ok && local_ok) return absl::OkStatus();
  const std::string what = absl::StrCat(OperationName(op), " needs ", need.local ? "a token of this node with " : "",
                                        "tier ", TierName(need.tier), " and role ", RoleName(need.role));
  if (caller.kind == Caller::Kind::kAnonymous) {
    return absl::UnauthenticatedError(absl::StrCat(what, "; the call carries no token"));
  }
  std::string has = absl::StrCat("; caller ", Describe(caller), " has tier ", TierName(caller.tier), " and role ",
                                 RoleName(caller.role));
  if (!local_ok) absl::StrAppend(&has, ", and is not an identity of node '", std::string(node_id), "'");
  return absl::PermissionDeniedError(absl::StrCat(what, has));
}

bool ShouldAudit(const Caller& caller, Operation op) {
  const Requirement need = RequirementOf(op);
  // Replication between roster nodes is logged by the node, not audited per
  // call: the audit log is for people's reads and writes.
  if (need.peer) return false;
  if (need.role > v1::ROLE_READER || need.tier > v1::TIER_PUBLIC) return true;
  return op == Operation::kGetProject && caller.tier > v1::TIER_PUBLIC;
}

void ProjectTo(v1::Tier tier, v1::Project* project) {
  if (tier < v1::TIER_RESTRICTED) project->clear_restricted();
  if (tier < v1::TIER_EXPERT) project->clear_expert();
  if (tier < v1::TIER_PUBLIC) project->clear_public_();
}

catalog::FacetMask WritableFacets(const Caller& caller) { return catalog::FacetsUpTo(caller.tier); }

absl::Status AuthorizeFacet(const Caller& caller, Operation op, v1::Tier tier) {
  if (catalog::FacetOfTier(tier) == 0 || caller.tier >= tier) return absl::OkStatus();
  const std::string facet = TierName(tier);
  return absl::PermissionDeniedError(absl::StrCat(facet, ": ", OperationName(op), " of the ", facet,
                                                  " facet needs tier ", facet, "; caller ", Describe(caller),
                                                  " has tier ", TierName(caller.tier)));
}

absl::Status AuthorizeProjectFacets(const Caller& caller, Operation op, const v1::Project& project) {
  for (const auto& [tier, set] : {std::pair{v1::TIER_PUBLIC, project.has_public_()},
                                  std::pair{v1::TIER_RESTRICTED, project.has_restricted()},
                                  std::pair{v1::TIER_EXPERT, project.has_expert()}}) {
    if (!set) continue;
    if (absl::Status s = AuthorizeFacet(caller, op, tier); !s.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat(s.message(), " (the stored facets above a caller's tier are kept as they are:",
                       " leave them unset)"));
    }
  }
  return absl::OkStatus();
}

absl::Status AuthorizeImportBatch(const Caller& caller, const v1::ImportRequest& batch, size_t records_before,
                                  std::string_view node_id) {
  for (int i = 0; i < batch.projects_size(); ++i) {
    const v1::Project& project = batch.projects(i);
    if (absl::Status s = AuthorizeProjectFacets(caller, Operation::kImport, project); !s.ok()) {
      const std::string& id = project.public_().id();
      return absl::PermissionDeniedError(absl::StrCat("record ", records_before + i + 1, " (id ",
                                                      id.empty() ? "?" : id, "): ", s.message()));
    }
  }
  if (batch.feedback_size() == 0) return absl::OkStatus();
  if (absl::Status s = Authorize(caller, Operation::kAddFeedback, node_id); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("feedback: an Import carrying feedback is held to AddFeedback's rule: ",
                                               s.message()));
  }
  return absl::OkStatus();
}

}  // namespace bibia::access
