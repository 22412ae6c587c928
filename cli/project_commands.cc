// bibia project put | get | list | delete | redact.
#include "absl/strings/str_cat.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "cli/commands.h"
#include "cli/enum_names.h"
#include "cli/errors.h"
#include "cli/file_input.h"
#include "cli/flag_values.h"
#include "cli/json_io.h"
#include "cli/list_views.h"
#include "cli/project_view.h"
#include "cli/rpc_call.h"

namespace bibia::cli {

absl::StatusOr<std::string> RunProjectPut(const CommandContext& context) {
  const std::string& path = context.invocation.positionals[0];
  absl::StatusOr<std::string> json = ReadInput(path, context.in);
  if (!json.ok()) return json.status();
  v1::PutProjectRequest request;
  absl::Status parsed = ParseJson(*json, *request.mutable_project());
  if (!parsed.ok()) {
    // What `bibia project get ID --json` prints, edited and put back.
    v1::GetProjectResponse got;
    if (ParseJson(*json, got).ok() && got.has_project()) {
      *request.mutable_project() = std::move(*got.mutable_project());
      parsed = absl::OkStatus();
    }
  }
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(InputName(path), ": ", parsed.message()));
  }
  v1::Contribute::Stub stub(context.channel);
  absl::StatusOr<v1::PutProjectResponse> response =
      CallNode(context, stub, &v1::Contribute::Stub::PutProject, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  if (response->unchanged()) return absl::StrCat("unchanged ", response->id(), " (identical to the stored project)\n");
  return absl::StrCat(response->created() ? "created " : "updated ", response->id(), "\n");
}

absl::StatusOr<std::string> RunProjectGet(const CommandContext& context) {
  v1::GetProjectRequest request;
  request.set_id(context.invocation.positionals[0]);
  v1::Catalog::Stub stub(context.channel);
  absl::StatusOr<v1::GetProjectResponse> response =
      CallNode(context, stub, &v1::Catalog::Stub::GetProject, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return RenderProject(*response);
}

absl::StatusOr<std::string> RunProjectList(const CommandContext& context) {
  v1::ListProjectsRequest request;
  absl::StatusOr<v1::ProjectFilter> filter = FilterFromFlags(context.invocation);
  if (!filter.ok()) return filter.status();
  *request.mutable_filter() = *filter;
  absl::StatusOr<int32_t> limit = LimitFromFlags(context.invocation);
  if (!limit.ok()) return limit.status();
  request.set_page_size(*limit);
  request.set_page_token(context.invocation.Flag("page-token").value_or(""));
  const bool all_pages = context.invocation.HasFlag("all");

  v1::Catalog::Stub stub(context.channel);
  v1::ListProjectsResponse combined;
  while (true) {
    absl::StatusOr<v1::ListProjectsResponse> page =
        CallNode(context, stub, &v1::Catalog::Stub::ListProjects, request);
    if (!page.ok()) return page.status();
    combined.mutable_projects()->MergeFrom(page->projects());
    combined.set_next_page_token(page->next_page_token());
    if (!all_pages || page->next_page_token().empty()) break;
    if (page->next_page_token() == request.page_token()) {
      return absl::InternalError(absl::StrCat(
          "the node returned the same page token twice (", page->next_page_token(), ")"));
    }
    request.set_page_token(page->next_page_token());
  }
  if (context.global().json) return ToJson(combined);
  return RenderProjectList(combined, context.invocation.HasFlag("wide"));
}

absl::StatusOr<std::string> RunProjectDelete(const CommandContext& context) {
  v1::DeleteProjectRequest request;
  request.set_id(context.invocation.positionals[0]);
  v1::Contribute::Stub stub(context.channel);
  absl::StatusOr<v1::DeleteProjectResponse> response =
      CallNode(context, stub, &v1::Contribute::Stub::DeleteProject, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  if (response->withdrew_claim()) {
    return absl::StrCat("withdrew this node's claim of ", request.id(),
                        ": the project stays, another member's, which claimed the id earlier\n");
  }
  return absl::StrCat("deleted ", request.id(), "\n");
}

absl::StatusOr<std::string> RunProjectRedact(const CommandContext& context) {
  const Invocation& invocation = context.invocation;
  v1::RedactHistoryRequest request;
  request.set_id(invocation.positionals[0]);
  if (request.id().empty()) return UsageError("ID: empty", invocation.command);
  absl::StatusOr<v1::Tier> tier = TierFromFlags(invocation);
  if (!tier.ok()) return tier.status();
  request.set_tier(*tier);
  v1::Contribute::Stub stub(context.channel);
  absl::StatusOr<v1::RedactHistoryResponse> response =
      CallNode(context, stub, &v1::Contribute::Stub::RedactHistory, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return absl::StrCat("redacted the history of ", request.id(), " (", ShortName(*tier),
                      " facet)\n");
}

}  // namespace bibia::cli
