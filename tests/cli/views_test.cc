// Human-readable output: project table, search results with facets, stats,
// project detail and feedback.
#include "cli/list_views.h"

#include <string>

#include "cli/admin_views.h"
#include "cli/json_io.h"
#include "cli/project_view.h"
#include "cli/text_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bibia::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::ProjectPublic Project(std::string id, v1::Domain domain, v1::Status status, int year,
                          std::string collectivity, std::string title) {
  v1::ProjectPublic project;
  project.set_id(std::move(id));
  project.set_domain(domain);
  project.set_status(status);
  project.set_start_year(year);
  project.mutable_collectivity()->set_name(std::move(collectivity));
  project.set_title_fr(std::move(title));
  return project;
}

TEST(TextFormatTest, WrapCountsCodePointsAndKeepsParagraphs) {
  EXPECT_EQ(Wrap("été été été", 7, "> "), "> été été\n> été\n");
  EXPECT_EQ(Wrap("un\ndeux", 10, ""), "un\ndeux\n");
  EXPECT_EQ(Wrap("https://example.org/a-very-long-url", 10, ""),
            "https://example.org/a-very-long-url\n");
  EXPECT_EQ(Wrap("", 10, "  "), "");
}

TEST(TextFormatTest, FieldListAlignsSkipsEmptyAndWrapsUnderTheValue) {
  FieldList fields;
  fields.Add("A", "un");
  fields.Add("Empty", "");
  fields.Add("Région", std::string(30, 'x') + " " + std::string(50, 'y'));
  fields.AddLines("Links", {"l1", "", "l2"});
  EXPECT_EQ(fields.Render("  "),
            "  A       un\n"
            "  Région  " + std::string(30, 'x') + "\n"
            "          " + std::string(50, 'y') + "\n"
            "  Links   l1\n"
            "          l2\n");
}

TEST(ProjectListViewTest, TableWithShortEnumsAndNextPageToken) {
  v1::ListProjectsResponse response;
  *response.add_projects() = Project("nantes-fuites", v1::DOMAIN_WATER, v1::STATUS_PRODUCTION,
                                     2021, "Nantes Métropole", "Détection des fuites");
  *response.add_projects() = Project("lille-air", v1::DOMAIN_ECOLOGICAL_TRANSITION,
                                     v1::STATUS_UNSPECIFIED, 0, "Métropole Européenne de Lille",
                                     "Anticiper plus tôt les pics de pollution de l'air dans "
                                     "l'agglomération lilloise et ses environs");
  response.set_next_page_token("tok2");
  EXPECT_EQ(RenderProjectList(response),
            "ID             DOMAIN                 STATUS       YEAR  COLLECTIVITY              "
            "    TITLE\n"
            "nantes-fuites  water                  production   2021  Nantes Métropole          "
            "    Détection des fuites\n"
            "lille-air      ecological_transition  unspecified     -  Métropole Européenne de Lil…"
            "  Anticiper plus tôt les pics de pollution de l'air dans l'ag…\n"
            "next page token: tok2\n");
  // --wide: whole names and titles.
  const std::string wide = RenderProjectList(response, /*wide=*/true);
  EXPECT_THAT(wide, HasSubstr("  Métropole Européenne de Lille  Anticiper plus tôt les pics de pollution de l'air dans "
                              "l'agglomération lilloise et ses environs\n"));
  EXPECT_THAT(wide, Not(HasSubstr("…")));
}

TEST(SearchViewTest, WideKeepsLongTitlesWhole) {
  v1::SearchResponse response;
  v1::SearchHit& hit = *response.add_hits();
  const std::string title(90, 'x');
  *hit.mutable_project() = Project("p", v1::DOMAIN_WATER, v1::STATUS_PILOT, 2020, "Ville", title);
  response.set_total_matches(1);
  EXPECT_THAT(RenderSearch(response), HasSubstr("…"));
  EXPECT_THAT(RenderSearch(response, /*wide=*/true), HasSubstr(title + "\n"));
}

TEST(ProjectListViewTest, TitleFallsBackToEnglishAndEmptyListSaysSo) {
  v1::ListProjectsResponse response;
  v1::ProjectPublic project =
      Project("p", v1::DOMAIN_WATER, v1::STATUS_PILOT, 2020, "Ville de Nice", "");
  project.set_title_en("Leak detection");
  *response.add_projects() = project;
  EXPECT_THAT(RenderProjectList(response), HasSubstr("Leak detection"));
  EXPECT_THAT(RenderProjectList(response), Not(HasSubstr("next page")));
  EXPECT_EQ(RenderProjectList(v1::ListProjectsResponse()), "no projects\n");
}

TEST(SearchViewTest, HitsFacetsTotalAndToken) {
  v1::SearchResponse response;
  v1::SearchHit& hit = *response.add_hits();
  *hit.mutable_project() = Project("nantes-fuites", v1::DOMAIN_WATER, v1::STATUS_PRODUCTION,
                                   2021, "Nantes Métropole", "Détection des fuites");
  hit.set_score(12.3456);
  v1::SearchHit& second = *response.add_hits();
  *second.mutable_project() = Project("rennes-eau", v1::DOMAIN_WATER, v1::STATUS_PILOT, 2022,
                                      "Rennes Métropole", "Qualité de l'eau");
  second.set_score(3.2);
  v1::Facet& domain = *response.add_facets();
  domain.set_name("domain");
  v1::FacetCount* water = domain.add_counts();
  water->set_value("water");
  water->set_count(3);
  v1::FacetCount* mobility = domain.add_counts();
  mobility->set_value("DOMAIN_MOBILITY");
  mobility->set_count(2);
  v1::Facet& region = *response.add_facets();
  region.set_name("region");
  v1::FacetCount* loire = region.add_counts();
  loire->set_value("Pays de la Loire");
  loire->set_count(1);
  response.set_total_matches(5);
  response.set_next_page_token("p2");
  EXPECT_EQ(RenderSearch(response),
            "SCORE  ID             DOMAIN  STATUS      TITLE\n"
            "12.35  nantes-fuites  water   production  Détection des fuites\n"
            " 3.20  rennes-eau     water   pilot       Qualité de l'eau\n"
            "\n"
            "domain: water 3, mobility 2\n"
            "region: Pays de la Loire 1\n"
            "\n"
            "5 matches\n"
            "next page token: p2\n");
  // Closest matches are announced before the table.
  response.set_match_mode(v1::MATCH_CLOSEST);
  EXPECT_THAT(RenderSearch(response), ::testing::StartsWith("no project has every word; closest matches\nSCORE"));
}

TEST(SearchViewTest, WithoutMatchesSuggestsAWord) {
  v1::SearchResponse response;
  response.set_suggestion("stationnement");
  EXPECT_EQ(RenderSearch(response), "0 matches\ndid you mean: stationnement\n");
}

TEST(SearchViewTest, NoHits) {
  v1::SearchResponse response;
  EXPECT_EQ(RenderSearch(response), "0 matches\n");
  response.set_total_matches(1);
  EXPECT_EQ(RenderSearch(response), "1 match\n");
}

TEST(StatsViewTest, TotalsAndFacetLines) {
  v1::StatsResponse response;
  response.set_node_id("node-a");
  response.set_projects(47);
  response.set_feedback(119);
  response.set_collectivities(25);
  v1::Facet& status = *response.add_by_facet();
  status.set_name("status");
  v1::FacetCount* production = status.add_counts();
  production->set_value("STATUS_PRODUCTION");
  production->set_count(15);
  v1::FacetCount* unspecified = status.add_counts();
  unspecified->set_value("");
  unspecified->set_count(13);
  EXPECT_EQ(RenderStats(response),
            "node            node-a\n"
            "projects        47\n"
            "feedback        119\n"
            "collectivities  25\n"
            "\n"
            "status: production 15, unspecified 13\n");
}

TEST(ProjectViewTest, ShowsTheFacetsThatArePresent) {
  v1::GetProjectResponse response;
  ASSERT_TRUE(ParseJson(R"json({
    "project": {
      "public": {
        "id": "nantes-fuites",
        "collectivity": {"name": "Nantes Métropole", "siren": "244400404",
                         "region": "Pays de la Loire"},
        "title_fr": "Détection des fuites", "title_en": "Leak detection",
        "summary_fr": "Un résumé.",
        "domain": "DOMAIN_WATER", "status": "STATUS_PRODUCTION", "start_year": 2021,
        "techniques": ["acoustic analysis", "machine learning"],
        "tags": ["leaks"],
        "links": ["https://a.example.org", "https://b.example.org"],
        "transparency": {"personal_data": false, "human_in_the_loop": true,
                         "risk_class": "RISK_CLASS_MINIMAL"},
        "footprint": {"training_kwh": 12.5, "hardware": "CPU", "estimate": true}
      },
      "restricted": {
        "id": "nantes-fuites",
        "contacts": [{"role": "DPO", "email": "dpo@example.org", "expires": "2027-01-01"}]
      },
      "expert": {
        "id": "nantes-fuites", "license": "MIT",
        "artifacts": [{"name": "model.onnx", "kind": "model", "format": "onnx",
                       "size_bytes": "1500000"}]
      }
    },
    "tier": "TIER_EXPERT"
  })json",
                        response)
                  .ok());
  const std::string view = RenderProject(response);
  EXPECT_THAT(view, HasSubstr("Title (fr)    Détection des fuites\n"));
  EXPECT_THAT(view, HasSubstr("Title (en)    Leak detection\n"));
  EXPECT_THAT(view, HasSubstr("Collectivity  Nantes Métropole (SIREN 244400404)\n"));
  EXPECT_THAT(view, HasSubstr("Region        Pays de la Loire\n"));
  EXPECT_THAT(view, HasSubstr("Domain        water\n"));
  EXPECT_THAT(view, HasSubstr("Status        production\n"));
  EXPECT_THAT(view, HasSubstr("Start year    2021\n"));
  EXPECT_THAT(view, HasSubstr("Techniques    acoustic analysis, machine learning\n"));
  EXPECT_THAT(view, HasSubstr("Links         https://a.example.org\n"
                              "              https://b.example.org\n"));
  EXPECT_THAT(view, HasSubstr("Summary (fr)\n  Un résumé.\n"));
  EXPECT_THAT(view, Not(HasSubstr("Summary (en)")));
  EXPECT_THAT(view, HasSubstr("Transparency\n"));
  EXPECT_THAT(view, HasSubstr("Human in the loop  yes\n"));
  EXPECT_THAT(view, HasSubstr("Personal data      no\n"));
  EXPECT_THAT(view, HasSubstr("Risk class         minimal\n"));
  EXPECT_THAT(view, Not(HasSubstr("DPIA done")));  // absent tri-state stays absent
  EXPECT_THAT(view, HasSubstr("Training  12.5 kWh (estimate)\n"));
  EXPECT_THAT(view, HasSubstr("Contacts  DPO <dpo@example.org> (until 2027-01-01)\n"));
  EXPECT_THAT(view, HasSubstr("License    MIT\n"));
  EXPECT_THAT(view, HasSubstr("Artifacts  model.onnx (model, onnx, 1.5 MB)\n"));
  EXPECT_THAT(view, HasSubstr("Tier: expert\n"));
}

TEST(ProjectViewTest, PublicTierShowsNoRestrictedOrExpertSections) {
  v1::GetProjectResponse response;
  *response.mutable_project()->mutable_public_() =
      Project("p", v1::DOMAIN_WATER, v1::STATUS_PILOT, 0, "Ville de Nice", "Titre");
  response.set_tier(v1::TIER_PUBLIC);
  const std::string view = RenderProject(response);
  EXPECT_THAT(view, ::testing::StartsWith("ID            p\n"));
  EXPECT_THAT(view, Not(HasSubstr("Restricted")));
  EXPECT_THAT(view, Not(HasSubstr("Expert")));
  EXPECT_THAT(view, Not(HasSubstr("Start year")));
  EXPECT_THAT(view, HasSubstr("Tier: public\n"));
}

TEST(FeedbackViewTest, ItemsWithOptionalFields) {
  v1::ListFeedbackResponse response;
  v1::Feedback& item = *response.add_feedback();
  item.set_id("fb-1");
  item.set_kind(v1::FEEDBACK_KIND_SUCCESS_FACTOR);
  item.set_author_collectivity("Rennes Métropole");
  item.set_text("Impliquer les équipes de terrain.");
  item.set_duration_months(6);
  EXPECT_EQ(RenderFeedbackList(response, "p"),
            "fb-1  success_factor  Rennes Métropole\n"
            "  Impliquer les équipes de terrain.\n"
            "  Duration  6 months\n");
  EXPECT_EQ(RenderFeedbackList(v1::ListFeedbackResponse(), "p"), "no feedback about p\n");
}

TEST(TokenListViewTest, ATokenKnownByItsRevocationAloneShowsDashes) {
  v1::ListTokensResponse response;
  v1::TokenInfo* issued = response.add_tokens();
  issued->mutable_claims()->set_token_id("0123456789abcdef0123456789abcdef");
  issued->mutable_claims()->set_subject("alice@nantes");
  issued->mutable_claims()->set_tier(v1::TIER_RESTRICTED);
  issued->mutable_claims()->set_role(v1::ROLE_EDITOR);
  issued->mutable_claims()->set_expires_unix_ms(1'790'000'000'000);
  v1::TokenInfo* foreign = response.add_tokens();
  foreign->mutable_claims()->set_token_id("fedcba9876543210fedcba9876543210");
  foreign->set_revoked(true);
  const std::string out = RenderTokenList(response);
  EXPECT_THAT(out, HasSubstr("alice@nantes  restricted  editor  2026-09-21"));
  EXPECT_THAT(out, HasSubstr("fedcba9876543210fedcba9876543210  -             -           -       -"));
  EXPECT_THAT(out, Not(HasSubstr("unspecified")));
  EXPECT_THAT(out, HasSubstr("only its id is known"));
  response.mutable_tokens()->RemoveLast();
  EXPECT_THAT(RenderTokenList(response), Not(HasSubstr("only its id is known")));
}

TEST(RosterInstalledViewTest, SaysWhatALoweredTierDropped) {
  v1::InstallRosterResponse response;
  response.set_version(3);
  response.set_held_tier(v1::TIER_EXPERT);
  EXPECT_EQ(RenderRosterInstalled(response, 4), "installed roster version 3 (4 members)\n");
  response.set_held_tier(v1::TIER_PUBLIC);
  response.set_logs_dropped(2);
  response.set_entries_dropped(120);
  response.set_records_dropped(45);
  EXPECT_EQ(RenderRosterInstalled(response, 4),
            "installed roster version 3 (4 members)\n"
            "this node's tier is now public: dropped what it held of other members above it "
            "(2 logs, 120 entries, 45 records)\n");
}

}  // namespace
}  // namespace bibia::cli

namespace bibia::cli {
namespace {

TEST(AuditViewTest, ASumOfRefusalsShowsHowManyCallsItStandsFor) {
  v1::ListAuditResponse response;
  v1::AuditEvent* first = response.add_events();
  first->set_time_unix_ms(1'765'000'000'000);
  first->set_subject("anonymous");
  first->set_method("PutProject");
  first->add_record_ids("x");
  first->set_outcome("UNAUTHENTICATED");
  v1::AuditEvent* sum = response.add_events();
  *sum = *first;
  sum->clear_record_ids();
  sum->set_time_unix_ms(1'765'000'060'000);
  sum->set_count(299);
  const std::string table = RenderAudit(response);
  EXPECT_THAT(table, HasSubstr("UNAUTHENTICATED (299 calls)"));
  EXPECT_THAT(table, HasSubstr("UNAUTHENTICATED\n"));
}

}  // namespace
}  // namespace bibia::cli
