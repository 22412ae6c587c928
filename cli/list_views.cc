#include "cli/list_views.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/absl_view.h"
#include "cli/enum_names.h"
#include "cli/table.h"
#include "cli/text_format.h"

namespace bibia::cli {
namespace {

constexpr size_t kCollectivityWidth = 28;
constexpr size_t kTitleWidth = 60;
constexpr size_t kWrapWidth = 76;

std::string Title(const v1::ProjectPublic& project) {
  return project.title_fr().empty() ? project.title_en() : project.title_fr();
}

std::string Year(int32_t year) { return year == 0 ? "-" : absl::StrCat(year); }

std::string NextPageLine(const std::string& token) {
  return token.empty() ? "" : absl::StrCat("next page token: ", token, "\n");
}

}  // namespace

std::string RenderProjectList(const v1::ListProjectsResponse& response, bool wide) {
  if (response.projects().empty()) {
    return absl::StrCat("no projects\n", NextPageLine(response.next_page_token()));
  }
  Table table({{"ID"},
               {"DOMAIN"},
               {"STATUS"},
               {"YEAR", 0, Table::Align::kRight},
               {"COLLECTIVITY", wide ? 0 : kCollectivityWidth},
               {"TITLE", wide ? 0 : kTitleWidth}});
  for (const v1::ProjectPublic& project : response.projects()) {
    table.AddRow({project.id(), ShortName(project.domain()), ShortName(project.status()),
                  Year(project.start_year()), project.collectivity().name(),
                  Title(project)});
  }
  return absl::StrCat(table.Render(), NextPageLine(response.next_page_token()));
}

std::string RenderFacet(const v1::Facet& facet) {
  std::vector<std::string> counts;
  for (const v1::FacetCount& count : facet.counts()) {
    counts.push_back(absl::StrCat(
        ShortFacetValue(facet.name(), count.value()), " ", count.count()));
  }
  return absl::StrCat(facet.name(), ": ", absl::StrJoin(counts, ", "), "\n");
}

std::string RenderSearch(const v1::SearchResponse& response, bool wide) {
  std::string out;
  if (response.match_mode() == v1::MATCH_CLOSEST && !response.hits().empty()) {
    out.append("no project has every word; closest matches\n");
  }
  if (!response.hits().empty()) {
    Table table({{"SCORE", 0, Table::Align::kRight},
                 {"ID"},
                 {"DOMAIN"},
                 {"STATUS"},
                 {"TITLE", wide ? 0 : kTitleWidth}});
    for (const v1::SearchHit& hit : response.hits()) {
      const v1::ProjectPublic& project = hit.project();
      table.AddRow({absl::StrFormat("%.2f", hit.score()), project.id(),
                    ShortName(project.domain()), ShortName(project.status()),
                    Title(project)});
    }
    absl::StrAppend(&out, table.Render(), "\n");
  }
  for (const v1::Facet& facet : response.facets()) {
    if (!facet.counts().empty()) out.append(RenderFacet(facet));
  }
  if (!response.facets().empty() && !response.hits().empty()) out.append("\n");
  const int64_t total = response.total_matches();
  absl::StrAppend(&out, total, total == 1 ? " match" : " matches", "\n",
                  NextPageLine(response.next_page_token()));
  if (total == 0 && !response.suggestion().empty()) {
    absl::StrAppend(&out, "did you mean: ", response.suggestion(), "\n");
  }
  return out;
}

std::string RenderFeedbackList(const v1::ListFeedbackResponse& response,
                               std::string_view project_id) {
  if (response.feedback().empty()) {
    return absl::StrCat("no feedback about ", AbslView(project_id), "\n");
  }
  std::string out;
  for (const v1::Feedback& item : response.feedback()) {
    if (!out.empty()) out.append("\n");
    std::vector<std::string> heading = {item.id(), ShortName(item.kind())};
    if (!item.author_collectivity().empty()) heading.push_back(item.author_collectivity());
    if (item.created_unix_ms() != 0) heading.push_back(FormatUnixMs(item.created_unix_ms()));
    absl::StrAppend(&out, absl::StrJoin(heading, "  "), "\n",
                    Wrap(item.text(), kWrapWidth, "  "));
    FieldList fields;
    fields.Add("Objective", item.objective());
    fields.Add("Outcome", item.outcome());
    fields.Add("Would do differently", item.would_do_differently());
    if (item.has_cost_eur()) fields.Add("Cost", absl::StrCat(item.cost_eur(), " EUR"));
    if (item.has_duration_months()) {
      fields.Add("Duration", absl::StrCat(item.duration_months(), " months"));
    }
    fields.Add("Origin", item.origin());
    out.append(fields.Render("  "));
  }
  return out;
}

std::string RenderStats(const v1::StatsResponse& response) {
  FieldList fields;
  fields.Add("node", response.node_id());
  fields.Add("projects", absl::StrCat(response.projects()));
  fields.Add("feedback", absl::StrCat(response.feedback()));
  fields.Add("collectivities", absl::StrCat(response.collectivities()));
  std::string out = fields.Render("");
  bool first = true;
  for (const v1::Facet& facet : response.by_facet()) {
    if (facet.counts().empty()) continue;
    if (first) out.append("\n");
    first = false;
    out.append(RenderFacet(facet));
  }
  return out;
}

}  // namespace bibia::cli
