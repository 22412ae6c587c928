// The policy rules: for an operation and a caller, allow or deny, whether to
// audit, and what a tier may see of a project. Pure functions of their inputs;
// AccessControl applies them to every request.
#ifndef BIBIA_ACCESS_POLICY_H_
#define BIBIA_ACCESS_POLICY_H_

#include <string_view>

#include "absl/status/status.h"
#include "access/caller.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/project.pb.h"
#include "catalog/facet_mask.h"

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
  kIssueToken,
  kRevokeToken,
  kListTokens,
  kListAudit,
  kInstallRoster,
  kGetRoster,
  kRedactHistory,
  kSync,
  kSubscribe,
  kAddPeer,
  kRemovePeer,
  kListPeers,
  kSyncNow,
  kFederationStatus,
  // Artifacts: reading manifests and chunks (expert tier), and pushing or
  // deleting them (an expert editor of the owning node). Nothing of them,
  // not even whether a chunk exists, is told to a lower tier.
  kArtifactRead,
  kArtifactWrite,
  // A peer of expert roster tier fetching chunks it lacks (pull-through).
  kFetchChunks,
};
inline constexpr Operation kAllOperations[] = {
    Operation::kSearch,      Operation::kGetProject,   Operation::kListProjects,  Operation::kStats,
    Operation::kListFeedback, Operation::kPutProject,  Operation::kDeleteProject, Operation::kAddFeedback,
    Operation::kImport,      Operation::kIssueToken,   Operation::kRevokeToken,   Operation::kListTokens,
    Operation::kListAudit,   Operation::kInstallRoster, Operation::kGetRoster,     Operation::kRedactHistory,
    Operation::kSync,        Operation::kSubscribe,    Operation::kAddPeer,       Operation::kRemovePeer,
    Operation::kListPeers,   Operation::kSyncNow,      Operation::kFederationStatus, Operation::kArtifactRead,
    Operation::kArtifactWrite, Operation::kFetchChunks};

const char* OperationName(Operation op);

// The least a caller needs for an operation. Operations that need more than
// reading (`local` true) need a token issued by this very node: only an
// editor of a node writes that node's records.
struct Requirement {
  v1::Tier tier;
  v1::Role role;
  bool local;
  bool peer = false;  // only a roster node, known by its TLS certificate
};
Requirement RequirementOf(Operation op);

// OK; UNAUTHENTICATED if an anonymous caller needs a token; PERMISSION_DENIED
// naming what is missing otherwise. `node_id` is this node's id.
absl::Status Authorize(const Caller& caller, Operation op, std::string_view node_id);

// Whether the operation is recorded in the audit log: every write and admin
// operation, and reads that return restricted or expert data.
bool ShouldAudit(const Caller& caller, Operation op);

// Clears the facets of `project` that `tier` may not read.
void ProjectTo(v1::Tier tier, v1::Project* project);

// Writing facets. An editor writes the facets its tier reads, no others: a
// put by a lower tier leaves the stored facets above it as they are (the
// store keeps what the mask leaves out), and setting one is refused.

// The facets `caller` writes: those of its tier and below.
catalog::FacetMask WritableFacets(const Caller& caller);

// PERMISSION_DENIED naming the facet of `tier` if `caller`'s tier does not
// reach it: "restricted: PutProject of the restricted facet needs tier
// restricted; caller token:x@node has tier public". For every facet a put
// sets, and for the facet RedactHistory erases (a tier that is no facet,
// left to the store to refuse, passes).
absl::Status AuthorizeFacet(const Caller& caller, Operation op, v1::Tier tier);

// AuthorizeFacet for each facet `project` sets (PutProject).
absl::Status AuthorizeProjectFacets(const Caller& caller, Operation op, const v1::Project& project);

// One message of an Import stream, after `records_before` projects of the
// stream: each project as PutProject ("record N (id X): ..."), and feedback
// as AddFeedback needs it (the same tier, whatever the call that carries it).
absl::Status AuthorizeImportBatch(const Caller& caller, const v1::ImportRequest& batch, size_t records_before,
                                  std::string_view node_id);

}  // namespace bibia::access

#endif  // BIBIA_ACCESS_POLICY_H_
