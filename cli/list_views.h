// Human-readable output of the catalogue's listing calls: the project table,
// search results with facet counts, feedback items and node statistics.
#ifndef BIBIA_CLI_LIST_VIEWS_H_
#define BIBIA_CLI_LIST_VIEWS_H_

#include <string>
#include <string_view>

#include "bibia/v1/catalog.pb.h"

namespace bibia::cli {

// Table ID, DOMAIN, STATUS, YEAR, COLLECTIVITY, TITLE, then
// "next page token: T" when there is one. IDs are shown whole (they are
// meant to be copied); long collectivities and titles are cut with "…"
// unless `wide`.
std::string RenderProjectList(const v1::ListProjectsResponse& response, bool wide = false);

// Table SCORE, ID, DOMAIN, STATUS, TITLE (cut unless `wide`); facet lines;
// number of matches; next page token.
std::string RenderSearch(const v1::SearchResponse& response, bool wide = false);

// "domain: water 3, mobility 2" (enum values in short form).
std::string RenderFacet(const v1::Facet& facet);

std::string RenderFeedbackList(const v1::ListFeedbackResponse& response,
                               std::string_view project_id);

std::string RenderStats(const v1::StatsResponse& response);

}  // namespace bibia::cli

#endif  // BIBIA_CLI_LIST_VIEWS_H_
