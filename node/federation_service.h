// gRPC adapter of bibia.v1.Federation, the server side of replication: Sync
// streams log entries past the caller's frontier, filtered to the caller's
// roster tier; Subscribe pushes a hint whenever this node's frontier advances;
// FetchChunks serves artifact chunks to expert peers (pull-through).
// Each roster member holds at most one Subscribe stream (each holds a server
// thread): a second one from the same member replaces the first, which ends
// with ABORTED. The newer wins because a member that lost its connection
// without closing it (a restart, a cut link) subscribes again before this
// node notices the old stream is dead.
#ifndef BIBIA_NODE_FEDERATION_SERVICE_H_
#define BIBIA_NODE_FEDERATION_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "access/access_control.h"
#include "bibia/v1/federation_service.grpc.pb.h"
#include "catalog/store.h"

namespace bibia::node {

// Most entries, and most bytes of entries, per streamed message (one entry
// larger than the byte cap goes alone).
inline constexpr size_t kSyncBatchEntries = 1000;
inline constexpr size_t kSyncBatchBytes = 4 << 20;
// Most bytes read from the log at once for a caller (past them, the read
// stops at the next entry that ends a run): large entries stay bounded.
inline constexpr size_t kSyncReadBytes = 16 << 20;

class FederationService final : public v1::Federation::Service {
 public:
  // `store` and `access` must outlive the service.
  FederationService(catalog::Store* store, const access::AccessControl* access)
      : store_(store), access_(access) {}

  grpc::Status Sync(grpc::ServerContext* context, const v1::SyncRequest* request,
                    grpc::ServerWriter<v1::SyncBatch>* writer) override;
  grpc::Status Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                         grpc::ServerWriter<v1::Hint>* writer) override;
  // The chunks asked that this node holds, for a peer of expert roster tier.
  grpc::Status FetchChunks(grpc::ServerContext* context, const v1::FetchChunksRequest* request,
                           grpc::ServerWriter<v1::DownloadChunksResponse>* writer) override;

  // Wakes subscribers: the frontier advanced. Cheap; never blocks.
  void Notify();
  // Ends every Subscribe stream (before server shutdown).
  void Stop();

 private:
  catalog::Store* const store_;
  const access::AccessControl* const access_;
  absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Member (peer node id) -> the number of its current Subscribe stream.
  absl::flat_hash_map<std::string, uint64_t> subscribers_ ABSL_GUARDED_BY(mu_);
  uint64_t next_subscriber_ ABSL_GUARDED_BY(mu_) = 0;
  absl::CondVar changed_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_FEDERATION_SERVICE_H_
