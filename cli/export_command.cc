// bibia export: the node's open-data exports (web/exports.h), built from the
// public facets read over gRPC.
#include <chrono>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bibia/v1/catalog_service.grpc.pb.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/rpc_call.h"
#include "web/exports.h"

namespace bibia::cli {
namespace {

constexpr int kPageSize = 500;
constexpr int kMaxPages = 2000;  // 1,000,000 projects

}  // namespace

absl::StatusOr<std::string> RunExport(const CommandContext& context) {
  const std::string format = context.invocation.positionals[0];
  if (format != "dcat" && format != "csv" && format != "register" && format != "register-csv") {
    return UsageError(absl::StrCat("FORMAT: unknown format '", format, "' (one of: dcat, csv, register, register-csv)"),
                      "export");
  }
  web::ExportContext export_context;
  export_context.base_url = context.invocation.Flag("base-url").value_or("");
  if (!export_context.base_url.empty()) {
    const std::string& url = export_context.base_url;
    if ((url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) ||
        url.find_first_of(" \"<>\\^`{|}") != std::string::npos) {
      return UsageError("--base-url: expected http(s)://HOST[:PORT][/PATH]", "export");
    }
    while (!export_context.base_url.empty() && export_context.base_url.back() == '/') export_context.base_url.pop_back();
  }
  export_context.now_unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();

  v1::Catalog::Stub stub(context.channel);
  v1::StatsResponse stats;
  if (auto s = CallNode(context, stub, &v1::Catalog::Stub::Stats, v1::StatsRequest()); s.ok()) stats = *s;
  else return s.status();
  export_context.node_id = stats.node_id();

  std::vector<v1::ProjectPublic> projects;
  v1::ListProjectsRequest request;
  request.set_page_size(kPageSize);
  for (int page = 0;; ++page) {
    if (page == kMaxPages) return absl::ResourceExhaustedError("export: more than 1,000,000 projects");
    absl::StatusOr<v1::ListProjectsResponse> response =
        CallNode(context, stub, &v1::Catalog::Stub::ListProjects, request);
    if (!response.ok()) return response.status();
    for (auto& p : *response->mutable_projects()) projects.push_back(std::move(p));
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }

  std::string out;
  if (format == "dcat") out = web::DcatJsonLd(projects, export_context);
  else if (format == "csv") out = web::ProjectsCsv(projects);
  else if (format == "register") out = web::RegisterJson(projects, export_context);
  else out = web::RegisterCsv(projects, export_context);

  const std::optional<std::string> file = context.invocation.Flag("output");
  if (!file || *file == "-") return out;
  std::ofstream stream(*file, std::ios::binary | std::ios::trunc);
  stream << out;
  stream.close();
  if (!stream.good()) return absl::UnavailableError(absl::StrCat("--output ", *file, ": cannot write"));
  context.err << "wrote " << projects.size() << " projects to " << *file << "\n";
  return std::string();
}

}  // namespace bibia::cli
