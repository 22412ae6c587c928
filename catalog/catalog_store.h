// The catalogue of one node: projects (their public, restricted and expert
// facets), feedback and search. This is the front door of catalog/: what the
// gRPC services, the CLI's bulk import and the benchmarks go through. It
// knows nothing of callers or tiers: it returns whole records, and access/
// projects them down to what a caller may see. Open one with Store::Open
// (catalog/store.h), which also serves replication (catalog/replica.h) and
// the node's settings (catalog/node_settings.h).
#ifndef BIBIA_CATALOG_CATALOG_STORE_H_
#define BIBIA_CATALOG_CATALOG_STORE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/project.pb.h"
#include "catalog/facet_mask.h"

namespace bibia::catalog {

// Largest import accepted in one call; bigger files are split by the caller.
inline constexpr size_t kMaxImportProjects = 50000;
inline constexpr size_t kMaxImportFeedback = 10000;
// A page of Search, ListProjects or ListFeedback stops taking items once
// they hold this many bytes (serialized; always at least one item), and
// gives a page token to continue: pages stay far below gRPC's message limit
// and their memory small, whatever page_size asks.
inline constexpr size_t kMaxResponseBytes = 1 << 20;
// ListFeedback pages: items per page by default and at most.
inline constexpr int kDefaultFeedbackPageSize = 50;
inline constexpr int kMaxFeedbackPageSize = 500;

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  // Writes. Each is one atomic, durable WriteBatch: after a crash the store is
  // before or after it, never between. Writers are serialised; reads go on.

  struct PutResult {
    bool created = false;  // false: an existing project was replaced
    bool changed = false;  // false: identical to what was stored, nothing written
  };
  // Stores `project`, replacing the facets of an existing one that
  // `writable` names (one of them left unset is removed) and keeping the
  // others as stored; `changed` compares the `writable` facets only.
  // INVALID_ARGUMENT names the field at fault; PERMISSION_DENIED names a
  // facet `project` sets that `writable` leaves out (nothing written).
  virtual absl::StatusOr<PutResult> PutProject(const v1::Project& project, FacetMask writable = kAllFacets) = 0;

  // Removes a project, its facets and its feedback. NOT_FOUND if absent;
  // FAILED_PRECONDITION if another member owns it, unless this node holds
  // a later claim of the id aside: that claim is deleted (withdrawn), and
  // `withdrew_claim` (if given) says so.
  virtual absl::Status DeleteProject(const std::string& id, bool* withdrew_claim = nullptr) = 0;

  // Records feedback on an existing project; returns it with id, origin and
  // time set. NOT_FOUND if the project does not exist.
  virtual absl::StatusOr<v1::Feedback> AddFeedback(const v1::Feedback& feedback) = 0;

  // Writes all projects and feedback in one batch, or nothing: the first bad
  // record is reported as "record N (id X): field: problem" (N from 1).
  // Projects are put as PutProject puts them with `writable`. Feedback
  // identical to this node's stored feedback is skipped, so re-importing a
  // file changes nothing; the check costs one lookup a feedback. At most
  // kMaxImportProjects projects and kMaxImportFeedback feedback.
  virtual absl::StatusOr<v1::ImportResponse> Import(const std::vector<v1::Project>& projects,
                                                    const std::vector<v1::Feedback>& feedback,
                                                    FacetMask writable = kAllFacets) = 0;

  // Restates the current value of project `id`'s facet of `tier` in a
  // redaction entry: every node drops the earlier payloads of that record
  // (personal data that must go), keeping their hashes for the chain, and
  // the payloads leave the database files too. Of a facet this node deleted,
  // the redaction is a tombstone: its past values go the same way.
  virtual absl::Status RedactHistory(const std::string& id, v1::Tier tier) = 0;

  // Reads. Thread-safe.

  // Every stored facet of project `id`. NOT_FOUND if absent.
  virtual absl::StatusOr<v1::Project> GetProject(const std::string& id) const = 0;
  // One page of a project's feedback, oldest first, bounded in items
  // (page_size, default kDefaultFeedbackPageSize, at most
  // kMaxFeedbackPageSize) and in bytes (kMaxResponseBytes); next_page_token
  // continues after its last item. The project need not exist (its feedback
  // may outlive it for a moment).
  virtual absl::StatusOr<v1::ListFeedbackResponse> ListFeedback(const v1::ListFeedbackRequest& request) const = 0;
  // Pages bounded in items and in bytes (kMaxResponseBytes).
  virtual absl::StatusOr<v1::ListProjectsResponse> ListProjects(const v1::ListProjectsRequest& request) const = 0;
  // Search over public fields only; hits carry the whole public facet. Pages
  // bounded in items and in bytes (kMaxResponseBytes).
  virtual absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request) const = 0;
  virtual absl::StatusOr<v1::StatsResponse> Stats() const = 0;

  // This node's id: the origin of the records it writes.
  virtual const std::string& node_id() const = 0;
  // OK if the store can write; else why not: RESOURCE_EXHAUSTED while its
  // disk is nearly full, UNAVAILABLE while the database is stopped on a
  // storage error (resumed once space returned). Reads go on either way.
  virtual absl::Status Health() const = 0;
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_CATALOG_STORE_H_
