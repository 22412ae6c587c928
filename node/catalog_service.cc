#include "node/catalog_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "node/request_guard.h"

namespace bibia::node {
using access::Operation;

grpc::Status CatalogService::Search(grpc::ServerContext* context, const v1::SearchRequest* request,
                                    v1::SearchResponse* response) {
  RequestGuard guard(*access_, context, Operation::kSearch);
  if (!guard.allowed()) return guard.Finish();
  auto result = store_->Search(*request);
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(result.status());
}

grpc::Status CatalogService::GetProject(grpc::ServerContext* context, const v1::GetProjectRequest* request,
                                        v1::GetProjectResponse* response) {
  RequestGuard guard(*access_, context, Operation::kGetProject);
  guard.AddRecord(request->id());
  if (!guard.allowed()) return guard.Finish();
  auto project = store_->GetProject(request->id());
  if (project.ok()) {
    access::ProjectTo(guard.caller().tier, &*project);
    *response->mutable_project() = std::move(*project);
    response->set_tier(guard.caller().tier);
  }
  return guard.Finish(project.status());
}

grpc::Status CatalogService::ListProjects(grpc::ServerContext* context, const v1::ListProjectsRequest* request,
                                          v1::ListProjectsResponse* response) {
  RequestGuard guard(*access_, context, Operation::kListProjects);
  if (!guard.allowed()) return guard.Finish();
  auto result = store_->ListProjects(*request);
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(result.status());
}

grpc::Status CatalogService::Stats(grpc::ServerContext* context, const v1::StatsRequest* request,
                                   v1::StatsResponse* response) {
  RequestGuard guard(*access_, context, Operation::kStats);
  if (!guard.allowed()) return guard.Finish();
  auto result = store_->Stats();
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(result.status());
}

grpc::Status CatalogService::ListFeedback(grpc::ServerContext* context, const v1::ListFeedbackRequest* request,
                                          v1::ListFeedbackResponse* response) {
  RequestGuard guard(*access_, context, Operation::kListFeedback);
  guard.AddRecord(request->project_id());
  if (!guard.allowed()) return guard.Finish();
  auto project = store_->GetProject(request->project_id());
  if (!project.ok()) return guard.Finish(project.status());
  auto result = store_->ListFeedback(*request);
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(result.status());
}

grpc::Status ContributeService::PutProject(grpc::ServerContext* context, const v1::PutProjectRequest* request,
                                           v1::PutProjectResponse* response) {
  RequestGuard guard(*access_, context, Operation::kPutProject);
  guard.AddRecord(request->project().public_().id());
  if (!guard.allowed()) return guard.Finish();
  const access::Caller& caller = guard.caller();
  if (absl::Status s = access::AuthorizeProjectFacets(caller, Operation::kPutProject, request->project()); !s.ok()) {
    return guard.Finish(s);
  }
  auto result = store_->PutProject(request->project(), access::WritableFacets(caller));
  if (result.ok()) {
    response->set_id(request->project().public_().id());
    response->set_created(result->created);
    response->set_unchanged(!result->changed);
  }
  return guard.Finish(result.status());
}

grpc::Status ContributeService::DeleteProject(grpc::ServerContext* context, const v1::DeleteProjectRequest* request,
                                              v1::DeleteProjectResponse* response) {
  RequestGuard guard(*access_, context, Operation::kDeleteProject);
  guard.AddRecord(request->id());
  if (!guard.allowed()) return guard.Finish();
  bool withdrew_claim = false;
  absl::Status deleted = store_->DeleteProject(request->id(), &withdrew_claim);
  response->set_withdrew_claim(withdrew_claim);
  return guard.Finish(deleted);
}

grpc::Status ContributeService::AddFeedback(grpc::ServerContext* context, const v1::AddFeedbackRequest* request,
                                            v1::AddFeedbackResponse* response) {
  RequestGuard guard(*access_, context, Operation::kAddFeedback);
  guard.AddRecord(request->feedback().project_id());
  if (!guard.allowed()) return guard.Finish();
  auto result = store_->AddFeedback(request->feedback());
  if (result.ok()) {
    guard.AddRecord(result->id());
    *response->mutable_feedback() = std::move(*result);
  }
  return guard.Finish(result.status());
}

grpc::Status ContributeService::Import(grpc::ServerContext* context, grpc::ServerReader<v1::ImportRequest>* reader,
                                       v1::ImportResponse* response) {
  RequestGuard guard(*access_, context, Operation::kImport);
  if (!guard.allowed()) return guard.Finish();
  // All batches are gathered first: the import is written in one batch or not
  // at all, so a bad record late in the stream leaves nothing half-written.
  std::vector<v1::Project> projects;
  std::vector<v1::Feedback> feedback;
  v1::ImportRequest batch;
  bool ended = false;
  // Held in memory until the last message: bounded in bytes (this import,
  // and all imports in flight together) as in records.
  ImportBudget::Lease lease(&import_budget_);
  while (reader->Read(&batch)) {
    const size_t bytes = batch.ByteSizeLong();
    if (lease.held() + bytes > max_import_bytes_) {
      return guard.Finish(absl::InvalidArgumentError(absl::StrCat("import: more than ", max_import_bytes_ >> 20,
                                                                  " MiB in one import (the node's --max-import-mib);"
                                                                  " split the file; nothing written")));
    }
    if (!lease.TryAcquire(bytes)) {
      return guard.Finish(absl::ResourceExhaustedError(
          absl::StrCat("import: the imports in flight on this node would hold more than the ", max_import_bytes_ >> 20,
                       " MiB they share (--max-import-mib); retry later; nothing written")));
    }
    if (ended) {
      return guard.Finish(absl::InvalidArgumentError("import: a message after the one marked last; nothing written"));
    }
    ended = batch.last();
    if (projects.size() + batch.projects_size() > catalog::kMaxImportProjects) {
      return guard.Finish(absl::InvalidArgumentError(absl::StrCat(
          "import: more than ", catalog::kMaxImportProjects, " projects in one import; split the file")));
    }
    if (feedback.size() + batch.feedback_size() > catalog::kMaxImportFeedback) {
      return guard.Finish(absl::InvalidArgumentError(absl::StrCat(
          "import: more than ", catalog::kMaxImportFeedback, " feedback in one import; split the file")));
    }
    // The same rules as PutProject and AddFeedback, refused as soon as seen.
    if (absl::Status s = access::AuthorizeImportBatch(guard.caller(), batch, projects.size(), access_->node_id());
        !s.ok()) {
      return guard.Finish(s);
    }
    for (auto& p : *batch.mutable_projects()) projects.push_back(std::move(p));
    for (auto& f : *batch.mutable_feedback()) feedback.push_back(std::move(f));
  }
  // Read() ends the same way when the client finished and when it went away.
  if (context->IsCancelled() || !ended) {
    return guard.Finish(absl::AbortedError(
        "import: the stream ended before its message marked last (client stopped or timed out); nothing written"));
  }
  for (const auto& p : projects) guard.AddRecord(p.public_().id());
  auto result = store_->Import(projects, feedback, access::WritableFacets(guard.caller()));
  if (result.ok()) *response = std::move(*result);
  return guard.Finish(result.status());
}

grpc::Status ContributeService::RedactHistory(grpc::ServerContext* context, const v1::RedactHistoryRequest* request,
                                              v1::RedactHistoryResponse* response) {
  RequestGuard guard(*access_, context, Operation::kRedactHistory);
  guard.AddRecord(request->id());
  if (!guard.allowed()) return guard.Finish();
  if (absl::Status s = access::AuthorizeFacet(guard.caller(), Operation::kRedactHistory, request->tier()); !s.ok()) {
    return guard.Finish(s);
  }
  return guard.Finish(store_->RedactHistory(request->id(), request->tier()));
}

}  // namespace bibia::node
