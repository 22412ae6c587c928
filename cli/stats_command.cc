// bibia stats.
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "cli/commands.h"
#include "cli/json_io.h"
#include "cli/list_views.h"
#include "cli/rpc_call.h"

namespace bibia::cli {

absl::StatusOr<std::string> RunStats(const CommandContext& context) {
  v1::Catalog::Stub stub(context.channel);
  absl::StatusOr<v1::StatsResponse> response =
      CallNode(context, stub, &v1::Catalog::Stub::Stats, v1::StatsRequest());
  if (!response.ok()) return response.status();
  if (context.global().json) return ToJson(*response);
  return RenderStats(*response);
}

}  // namespace bibia::cli
