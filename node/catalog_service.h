// gRPC adapters of the bibia.v1.Catalog and bibia.v1.Contribute services:
// decode, guard, call the CatalogStore, project, encode.
#ifndef BIBIA_NODE_CATALOG_SERVICE_H_
#define BIBIA_NODE_CATALOG_SERVICE_H_

#include <cstddef>

#include "access/access_control.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "catalog/catalog_store.h"
#include "node/import_budget.h"

namespace bibia::node {

class CatalogService final : public v1::Catalog::Service {
 public:
  // `store` and `access` must outlive the service.
  CatalogService(catalog::CatalogStore* store, const access::AccessControl* access) : store_(store), access_(access) {}

  grpc::Status Search(grpc::ServerContext* context, const v1::SearchRequest* request,
                      v1::SearchResponse* response) override;
  grpc::Status GetProject(grpc::ServerContext* context, const v1::GetProjectRequest* request,
                          v1::GetProjectResponse* response) override;
  grpc::Status ListProjects(grpc::ServerContext* context, const v1::ListProjectsRequest* request,
                            v1::ListProjectsResponse* response) override;
  grpc::Status Stats(grpc::ServerContext* context, const v1::StatsRequest* request,
                     v1::StatsResponse* response) override;
  grpc::Status ListFeedback(grpc::ServerContext* context, const v1::ListFeedbackRequest* request,
                            v1::ListFeedbackResponse* response) override;

 private:
  catalog::CatalogStore* const store_;
  const access::AccessControl* const access_;
};

class ContributeService final : public v1::Contribute::Service {
 public:
  // An import is held in memory until its last message: at most
  // `max_import_bytes` of it, and of all imports in flight together (one
  // budget they share: an import that finds it full is RESOURCE_EXHAUSTED).
  ContributeService(catalog::CatalogStore* store, const access::AccessControl* access, size_t max_import_bytes)
      : store_(store), access_(access), max_import_bytes_(max_import_bytes), import_budget_(max_import_bytes) {}

  grpc::Status PutProject(grpc::ServerContext* context, const v1::PutProjectRequest* request,
                          v1::PutProjectResponse* response) override;
  grpc::Status DeleteProject(grpc::ServerContext* context, const v1::DeleteProjectRequest* request,
                             v1::DeleteProjectResponse* response) override;
  grpc::Status AddFeedback(grpc::ServerContext* context, const v1::AddFeedbackRequest* request,
                           v1::AddFeedbackResponse* response) override;
  grpc::Status Import(grpc::ServerContext* context, grpc::ServerReader<v1::ImportRequest>* reader,
                      v1::ImportResponse* response) override;
  grpc::Status RedactHistory(grpc::ServerContext* context, const v1::RedactHistoryRequest* request,
                             v1::RedactHistoryResponse* response) override;

 private:
  catalog::CatalogStore* const store_;
  const access::AccessControl* const access_;
  const size_t max_import_bytes_;
  ImportBudget import_budget_;
};

}  // namespace bibia::node

#endif  // BIBIA_NODE_CATALOG_SERVICE_H_
