// The store of one node: the catalogue (catalog_store.h), its side of
// federation (replica.h) and the node's settings (node_settings.h), in one
// RocksDB database (db.h). Everything a write changes goes in one
// WriteBatch. Services and tools that only read and write the catalogue
// should hold a CatalogStore; this header is for the node that owns the
// store and for catalog/'s own files.
#ifndef BIBIA_CATALOG_STORE_H_
#define BIBIA_CATALOG_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/federation.pb.h"
#include "bibia/v1/project.pb.h"
#include "bibia/v1/artifacts.pb.h"
#include "catalog/audit_log.h"
#include "catalog/catalog_store.h"
#include "catalog/chunk_store.h"
#include "catalog/clock.h"
#include "catalog/db.h"
#include "catalog/facet_mask.h"
#include "catalog/keys.h"
#include "catalog/log_writer.h"
#include "catalog/node_settings.h"
#include "catalog/remote_run.h"
#include "catalog/replica.h"
#include "catalog/search_index.h"
#include "catalog/signer.h"

namespace bibia::catalog {

class ReplicaReceiver;
struct StoreBatch;

// "PROJECT/NAME@VERSION": how a manifest is named to people and in lineage.
std::string ArtifactId(const v1::ArtifactManifest& manifest);

class Store final : public CatalogStore, public Replica, public NodeSettings {
 public:
  struct Options {
    // Origin of this node's log entries, recorded on first open. Empty: the
    // recorded one (or "local" for a new store). A different one is refused.
    std::string node_id;
    Db::Options db;
    Clock* clock = SystemClock();
    // Signs the last entry of each write batch; null leaves entries unsigned
    // (tools and tests only: peers reject unsigned entries).
    const Signer* signer = nullptr;
    // Quota on the bytes of artifact chunks stored (0: none).
    uint64_t max_artifact_bytes = 0;
    // Tests only: called by a scrub done outside the writer lock (after a
    // redaction), before it flushes and compacts.
    std::function<void()> scrub_hook;
    // Called while Open re-indexes a store whose search index is of an older
    // format (once per thousand projects and at the end): projects indexed
    // so far and in all. Null: no report.
    std::function<void(int64_t done, int64_t total)> reindex_progress;
  };

  // Opens (or creates) the store in directory `dir`.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir, const Options& options);
  ~Store() override;

  // CatalogStore (catalog_store.h).
  absl::StatusOr<PutResult> PutProject(const v1::Project& project, FacetMask writable = kAllFacets) override;
  absl::Status DeleteProject(const std::string& id, bool* withdrew_claim = nullptr) override;
  absl::StatusOr<v1::Feedback> AddFeedback(const v1::Feedback& feedback) override;
  absl::StatusOr<v1::ImportResponse> Import(const std::vector<v1::Project>& projects,
                                            const std::vector<v1::Feedback>& feedback,
                                            FacetMask writable = kAllFacets) override;
  absl::Status RedactHistory(const std::string& id, v1::Tier tier) override;
  absl::StatusOr<v1::Project> GetProject(const std::string& id) const override;
  absl::StatusOr<v1::ListFeedbackResponse> ListFeedback(const v1::ListFeedbackRequest& request) const override;
  absl::StatusOr<v1::ListProjectsResponse> ListProjects(const v1::ListProjectsRequest& request) const override;
  absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request) const override;
  absl::StatusOr<v1::StatsResponse> Stats() const override;
  const std::string& node_id() const override { return node_id_; }
  absl::Status Health() const override { return db_->Health(); }

  // Every feedback on project `project_id`, oldest first (for the store's
  // own use: unbounded).
  absl::StatusOr<std::vector<v1::Feedback>> ListFeedback(const std::string& project_id) const;

  // NodeSettings (node_settings.h).
  absl::Status PutSetting(const std::string& name, const std::string& value) override;
  absl::Status DeleteSetting(const std::string& name) override;
  absl::StatusOr<std::optional<std::string>> GetSetting(const std::string& name) const override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanSettings(
      const std::string& prefix) const override;
  absl::Status RevokeToken(const std::string& token_id) override;
  absl::StatusOr<bool> IsRevoked(std::string_view issuer, std::string_view token_id) const override;
  absl::StatusOr<std::vector<std::string>> RevokedByThisNode() const override;

  // Replica (replica.h).
  absl::StatusOr<std::vector<v1::FrontierEntry>> Frontier() const override;
  absl::StatusOr<std::vector<v1::LogEntry>> ReadLog(const std::string& origin, v1::Tier tier, uint64_t after_seq,
                                                    size_t min_entries) const override;
  absl::StatusOr<std::vector<std::string>> ReadLogSerialized(const std::string& origin, v1::Tier tier,
                                                             uint64_t after_seq, size_t min_entries,
                                                             uint64_t* last_seq,
                                                             size_t max_bytes = SIZE_MAX) const override;
  absl::StatusOr<VerifiedRun> VerifyRemote(std::vector<v1::LogEntry> entries, const SignatureVerifier& verifier,
                                           v1::Tier max_tier = v1::TIER_EXPERT) const override;
  absl::StatusOr<VerifiedRun> VerifyRemote(std::vector<std::string> serialized, const SignatureVerifier& verifier,
                                           v1::Tier max_tier = v1::TIER_EXPERT) const override;
  absl::StatusOr<int64_t> ApplyVerified(const VerifiedRun& run) override;
  std::vector<absl::StatusOr<int64_t>> ApplyVerified(absl::Span<const VerifiedRun> runs) override;
  absl::StatusOr<int64_t> ApplyRemote(std::vector<v1::LogEntry> entries, const SignatureVerifier& verifier,
                                      v1::Tier max_tier = v1::TIER_EXPERT) override;
  absl::StatusOr<DroppedHoldings> HoldTiersUpTo(v1::Tier tier) override;
  uint64_t drop_generation() const override;
  void SetWriteListener(std::function<void()> listener) override;
  int64_t conflicts() const override;

  // Artifacts (artifacts.cc, docs/artifacts.md): manifests are expert-tier
  // records of their owner's log; their chunks are in chunks().

  // The chunk store; thread-safe.
  ChunkStore* chunks() const { return chunks_.get(); }
  struct ManifestResult {
    v1::ArtifactManifest manifest;  // as stored, created time set
    std::string id;                 // PROJECT/NAME@VERSION
    bool unchanged = false;         // the same manifest was already committed under id
  };
  // Commits `manifest` of this node's project, in one WriteBatch with its
  // log entry and the project's expert facet listing it (ArtifactRef with
  // manifest_id). An empty version takes the next integer after the name's
  // numeric versions. INVALID_ARGUMENT names the field at fault; NOT_FOUND
  // if the project is absent; FAILED_PRECONDITION if another node owns it,
  // if a chunk it lists is not stored (push it first), or if another
  // manifest already holds the id (versions are immutable).
  absl::StatusOr<ManifestResult> CommitManifest(v1::ArtifactManifest manifest);
  // The manifest of `project_id`/`name`, version `version` or, if empty,
  // the latest (last created); nullopt if absent. Record with origin set.
  absl::StatusOr<std::optional<v1::StoredRecord>> GetManifest(std::string_view project_id, std::string_view name,
                                                              std::string_view version) const;
  // Every manifest of `project_id` ("" for all), in key order.
  absl::StatusOr<std::vector<v1::StoredRecord>> ListManifests(std::string_view project_id) const;
  // The ordered chunks of `manifest` (reading its chunk list's pieces if it
  // has them). DATA_LOSS if a piece is missing or damaged.
  absl::StatusOr<std::vector<v1::ChunkRef>> ChunkListOf(const v1::ArtifactManifest& manifest) const;
  // Deletes a manifest of this node (tombstone in its log, the expert facet
  // updated) and collects the chunks no manifest references any longer,
  // returning how many. NOT_FOUND / FAILED_PRECONDITION as CommitManifest.
  absl::StatusOr<uint64_t> DeleteManifest(std::string_view project_id, std::string_view name,
                                          std::string_view version, int64_t grace_ms);
  // Deletes the chunks that no manifest held here references and that were
  // stored more than `grace_ms` ago (uploads never committed, deleted
  // manifests), then, if it deleted any, erases their bytes from the
  // database files (ChunkStore::EraseDeleted, outside the writer lock);
  // returns how many.
  absl::StatusOr<uint64_t> CollectChunks(int64_t grace_ms);
  // CollectChunks if it may free something: a manifest was added or removed
  // here since the last collection (manifest_generation), or a chunk not
  // referenced then has passed `grace_ms`. nullopt if not due (nothing read).
  absl::StatusOr<std::optional<uint64_t>> CollectChunksIfDue(int64_t grace_ms);
  // Bumped whenever a manifest is committed, deleted, replicated here
  // (either way) or dropped with its tier.
  uint64_t manifest_generation() const { return manifest_generation_.load(); }

  AuditLog* audit() const { return audit_.get(); }
  // For tools (benchmarks, compaction after bulk loads); not for services.
  Db* db() const { return db_.get(); }

 private:
  using Batch = StoreBatch;

  explicit Store(const Options& options);
  absl::Status LoadNodeId();
  // What the receiver leaves the store to do once a group of received runs
  // is committed (ReplicaReceiver::Context::committed).
  absl::Status RemoteGroupCommitted(int64_t hlc, int64_t feedback_delta,
                                    const std::vector<std::string>& deleted_projects)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::StatusOr<std::optional<v1::ProjectPublic>> ReadPublic(const std::string& id) const;
  // Stages `project` as PutProject describes it.
  absl::Status StageProject(const v1::Project& project, FacetMask writable, Batch* batch, PutResult* result)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::StatusOr<v1::Feedback> StageFeedback(const v1::Feedback& feedback, Batch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages the record `key` of `tier`: a put of `value`, or a tombstone if null.
  void StageRecord(v1::Tier tier, const std::string& key, const v1::StoredRecord* value, Batch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status Commit(Batch* batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages the deletion of this node's own feedback on `project_id`: a
  // project's deletion by its owner (on this node or another) takes every
  // member's feedback on it along, each member deleting its own.
  absl::Status StageOwnFeedbackDeletion(const std::string& project_id, Batch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // The same, committed on its own.
  absl::Status DeleteOwnFeedback(const std::string& project_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Counts the feedback and deletes this node's own feedback on projects
  // that are gone (a crash between a replicated deletion and its cascade).
  absl::Status CountAndReconcileFeedback() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Writes the fingerprint row (RecordKind::kFeedbackFingerprint) of every
  // own feedback, once, in a store written before those rows existed.
  absl::Status AddMissingFeedbackFingerprints() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Deletes this node's own claim of project `id`, held aside because
  // another member's earlier claim owns the id here: tombstones in this
  // node's logs for its facets, wherever they are held. False if this node
  // holds no such claim.
  absl::StatusOr<bool> WithdrawOwnClaim(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages holding aside the facet of `kind` (R or E) another member wrote
  // under this node's project `id`, if there is one.
  absl::Status HoldOtherMembersFacetAside(RecordKind kind, const std::string& id, Batch* batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // FAILED_PRECONDITION if project `id` exists and belongs to another origin.
  absl::Status CheckOwned(const std::string& id) const;
  void NotifyWrite();
  // Lifts the grace (ChunkStore::ReleaseGrace) of the chunks of `manifest`,
  // deleted, that no upload offered since it was committed.
  absl::Status ReleaseChunksOf(const v1::ArtifactManifest& manifest) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Every chunk the manifests held here reference (their chunk lists' pieces too).
  absl::StatusOr<absl::flat_hash_set<std::string>> ReferencedChunks() const;
  // Stages the expert facet of this node's project `project_id` with the
  // ArtifactRef of manifest `id` replaced by `ref` (removed if null).
  absl::Status StageArtifactRef(const std::string& project_id, const std::string& id, const v1::ArtifactRef* ref,
                                Batch* batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stages the scrub marker (kMetaScrubPending) for payloads of `tier`
  // removed by `batch`; a pending index scrub stays pending.
  absl::Status StageScrubMarker(v1::Tier tier, rocksdb::WriteBatch* batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Removes erased or dropped payloads from the WAL and SST files (flush +
  // compaction of the log and records families, and when the marker says so
  // of the index family, the search terms left with no posting deleted).
  // Under the writer lock, or before the store is shared.
  absl::Status ScrubErased();
  // Rebuilds the search index from the public records (reindex.cc): clears
  // it, indexes every project in batches, then stamps the format, so that a
  // crash part way leaves an index that the next Open rebuilds again.
  absl::Status RebuildIndex(const std::function<void(int64_t, int64_t)>& progress);
  // The same with the writer lock held only to delete the empty search terms
  // and to clear the marker, so that other writes go on during the flush and
  // compactions. The marker is cleared only if no write set it again since
  // the scrub began (that write's own scrub clears it). Scrubs done this way
  // run one at a time.
  absl::Status ScrubErasedOutsideLock() ABSL_LOCKS_EXCLUDED(write_mu_);
  // The flush of every family and the compaction of the log and records
  // families (and of the index if `index`) that both scrubs end with.
  absl::Status FlushAndCompactForScrub(bool index);

  const Options options_;
  std::string node_id_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<SearchIndex> index_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<ChunkStore> chunks_;
  absl::Mutex write_mu_;
  absl::Mutex scrub_mu_ ABSL_ACQUIRED_BEFORE(write_mu_);  // see ScrubErasedOutsideLock
  // Scrub markers staged so far (StageScrubMarker).
  uint64_t scrub_marks_ ABSL_GUARDED_BY(write_mu_) = 0;
  std::unique_ptr<LogWriter> log_ ABSL_GUARDED_BY(write_mu_);
  // The receiving side of replication, and the projects with facets held
  // aside (replica_receiver.h).
  std::unique_ptr<ReplicaReceiver> receiver_;
  std::atomic<uint64_t> manifest_generation_{0};  // see manifest_generation()
  std::atomic<uint64_t> collected_generation_{UINT64_MAX};  // manifest_generation_ the last collection read
  std::atomic<int64_t> feedback_count_{0};
  absl::Mutex listener_mu_;
  std::function<void()> write_listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_STORE_H_
