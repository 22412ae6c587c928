// bibia search "QUERY".
#include "absl/strings/str_join.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "cli/commands.h"
#include "cli/flag_values.h"
#include "cli/json_io.h"
#include "cli/list_views.h"
#include "cli/rpc_call.h"

namespace bibia::cli {

absl::StatusOr<std::string> RunSearch(const CommandContext& context) {
  v1::SearchRequest request;
  request.set_query(absl::StrJoin(context.invocation.positionals, " "));
  absl::StatusOr<v1::ProjectFilter> filter = FilterFromFlags(context.invocation);
  if (!filter.ok()) return filter.status();
  *request.mutable_filter() = *filter;
  absl::StatusOr<int32_t> limit = LimitFromFlags(context.invocation);
  if (!limit.ok()) return limit.status();
  request.set_page_size(*limit);
  request.set_page_token(context.invocation.Flag("page-token").value_or(""));

  v1::Catalog::Stub stub(context.channel);
  absl::StatusOr<v1::SearchResponse> response =
      CallNode(context, stub, &v1::Catalog::Stub::Search, request);
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return RenderSearch(*response, context.invocation.HasFlag("wide"));
}

}  // namespace bibia::cli
