// Sentinel leak test: restricted and expert data must never reach a public
// caller through any public surface. Every restricted and expert text of a
// few projects, and every text of their feedback, holds the sentinel
// "ZQXSECRET" + a per-field suffix; then every Catalog RPC is crawled
// anonymously and with a public-reader token (all queries, filters, pages,
// ids), and the CLI is run without a token; the sentinel must appear in no
// response, no error message, no CLI output.
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kSentinel[] = "zqxsecret";  // compared with lower-cased text
constexpr int kMaxPages = 200;             // bound of every pagination loop

// Every sentinel word written into the catalogue, as written.
std::vector<std::string>& SentinelWords() {
  static auto* words = new std::vector<std::string>();
  return *words;
}

std::string S(const std::string& field, int n) {
  std::string word = "ZQXSECRET" + field + std::to_string(n);
  SentinelWords().push_back(word);
  return word;
}

bool Leaks(const std::string& text) { return absl::StrContains(absl::AsciiStrToLower(text), kSentinel); }

struct Seed {
  const char* id;
  const char* collectivity;
  const char* region;
  v1::Domain domain;
  v1::Status status;
  const char* title;
  const char* summary;
  const char* technique;
  const char* tag;
};

const Seed kSeeds[] = {
    {"leak-fuites-eau", "Ville de Testville", "Bretagne", v1::DOMAIN_WATER, v1::STATUS_PILOT,
     "Détection des fuites du réseau d'eau", "Un modèle repère les fuites à partir des débits nocturnes.",
     "anomaly detection", "eau"},
    {"leak-trafic-velo", "Métropole de Testcity", "Occitanie", v1::DOMAIN_MOBILITY, v1::STATUS_PRODUCTION,
     "Prévision du trafic cycliste", "Les compteurs vélo alimentent une prévision horaire du trafic.",
     "time series forecasting", "velo"},
    {"leak-energie-ecoles", "Département du Testland", "Occitanie", v1::DOMAIN_ENERGY, v1::STATUS_EXPERIMENT,
     "Consommation énergétique des écoles", "Repérer les écoles dont la consommation dérive.", "regression",
     "energie"},
    {"leak-dechets-collecte", "Ville de Testville", "Bretagne", v1::DOMAIN_WASTE, v1::STATUS_IDEA,
     "Optimisation des tournées de collecte des déchets", "Des capteurs de remplissage guident les tournées.",
     "route optimization", "dechets"},
};

v1::Project SentinelProject(const Seed& seed, int n) {
  v1::Project project;
  v1::ProjectPublic* p = project.mutable_public_();
  p->set_id(seed.id);
  p->mutable_collectivity()->set_name(seed.collectivity);
  p->mutable_collectivity()->set_region(seed.region);
  p->set_title_fr(seed.title);
  p->set_summary_fr(seed.summary);
  p->set_domain(seed.domain);
  p->set_status(seed.status);
  p->set_start_year(2023);
  p->add_techniques(seed.technique);
  p->add_tags(seed.tag);
  v1::ProjectRestricted* r = project.mutable_restricted();
  for (int c = 0; c < 2; ++c) {
    v1::Contact* contact = r->add_contacts();
    const std::string k = std::to_string(c);
    contact->set_role(S("contactrole" + k + "x", n));
    contact->set_email(S("contactemail" + k + "x", n) + "@testville.example.org");
    contact->set_expires("2031-06-2" + k);  // a date cannot carry a sentinel
  }
  r->set_budget_eur(123456.0 + n);
  r->add_vendors(S("vendor", n));
  r->add_vendors(S("vendorbis", n));
  r->set_procurement_notes("Marché négocié " + S("procurementnotes", n));
  v1::ProjectExpert* e = project.mutable_expert();
  e->set_source_repository("https://example.org/" + S("sourcerepository", n));
  e->set_license(S("license", n));
  e->set_license_note(S("licensenote", n));
  e->set_documentation_url("https://example.org/" + S("documentationurl", n));
  e->set_demonstrator_url("https://example.org/" + S("demonstratorurl", n));
  v1::ArtifactRef* a = e->add_artifacts();
  a->set_name(S("artifactname", n));
  a->set_kind(S("artifactkind", n));
  a->set_format(S("artifactformat", n));
  a->set_size_bytes(4096);
  a->set_manifest_id(S("artifactmanifestid", n));
  return project;
}

v1::Feedback SentinelFeedback(const std::string& project_id, int n) {
  v1::Feedback f;
  f.set_project_id(project_id);
  f.set_kind(v1::FEEDBACK_KIND_LESSON);
  f.set_author_collectivity(S("feedbackauthor", n));
  f.set_objective(S("feedbackobjective", n));
  f.set_outcome(S("feedbackoutcome", n));
  f.set_would_do_differently(S("feedbackdifferently", n));
  f.set_text(S("feedbacktext", n));
  f.set_cost_eur(1000);
  return f;
}

struct Environment {
  bool ready = false;  // Prepare() ran through
  TempDir dir;
  std::unique_ptr<NodeProcess> node;
  std::unique_ptr<Stubs> stubs;
  std::string editor_token;
  std::string reader_token;
};
Environment* env = nullptr;

class AccessLeakTest : public ::testing::Test {
 protected:
  // Starts the suite's node. Called by the first test of the process, not
  // from SetUpTestSuite: gtest turns a failure there into skipped tests,
  // which ctest counts as skipped, not failed.
  static void Prepare() {
    env = new Environment();
    env->node = std::make_unique<NodeProcess>(env->dir.path() + "/node",
                                              std::vector<std::string>{"--anonymous-rate", "0"}, "leak-node");
    ASSERT_TRUE(env->node->Start()) << env->node->log();
    env->stubs = std::make_unique<Stubs>(TlsChannel(env->node->address(), ReadTextFile(env->node->certificate_file())));
    env->editor_token = env->node->IssueToken("expert", "editor");
    env->reader_token = env->node->IssueToken("public", "reader");
    ASSERT_FALSE(env->editor_token.empty());
    ASSERT_FALSE(env->reader_token.empty());
    const auto editor = Bearer(env->editor_token);
    int n = 0;
    for (const Seed& seed : kSeeds) {
      ++n;
      v1::PutProjectRequest put;
      *put.mutable_project() = SentinelProject(seed, n);
      v1::PutProjectResponse put_response;
      grpc::Status s = env->stubs->contribute->PutProject(Context(editor).get(), put, &put_response);
      ASSERT_TRUE(s.ok()) << seed.id << ": " << Describe(s);
      for (int k = 0; k < 2; ++k) {
        v1::AddFeedbackRequest add;
        *add.mutable_feedback() = SentinelFeedback(seed.id, n * 10 + k);
        v1::AddFeedbackResponse added;
        s = env->stubs->contribute->AddFeedback(Context(editor).get(), add, &added);
        ASSERT_TRUE(s.ok()) << seed.id << ": " << Describe(s);
      }
    }
  }

  static void TearDownTestSuite() {
    delete env;
    env = nullptr;
  }

  void SetUp() override {
    if (env == nullptr) {
      Prepare();
      if (!HasFatalFailure()) env->ready = true;
    }
    ASSERT_TRUE(env->ready) << "the suite's setup failed (see the first test that ran)";
  }

  // The callers of the public surface: anonymous and a public reader.
  static std::vector<std::pair<std::string, std::optional<std::string>>> PublicCallers() {
    return {{"anonymous", std::nullopt}, {"reader_public", Bearer(env->reader_token)}};
  }

  static void ExpectNoLeak(const google::protobuf::Message& response, const grpc::Status& status,
                           const std::string& what) {
    EXPECT_FALSE(Leaks(response.SerializeAsString())) << what << " leaks: " << response.ShortDebugString();
    EXPECT_FALSE(Leaks(response.DebugString())) << what;
    EXPECT_FALSE(Leaks(status.error_message())) << what << " error leaks: " << status.error_message();
    EXPECT_FALSE(Leaks(status.error_details())) << what;
  }

  // Every page of a search; returns the total of the first page (-1 on error).
  static int64_t SearchAllPages(const std::optional<std::string>& bearer, v1::SearchRequest request,
                                const std::string& what, std::set<std::string>* ids) {
    int64_t total = -1;
    size_t hits = 0;
    for (int page = 0; page < kMaxPages; ++page) {
      v1::SearchResponse response;
      grpc::Status s = env->stubs->catalog->Search(Context(bearer).get(), request, &response);
      ExpectNoLeak(response, s, what);
      EXPECT_TRUE(s.ok()) << what << ": " << Describe(s);
      if (!s.ok()) return -1;
      if (page == 0) total = response.total_matches();
      for (const auto& facet : response.facets()) {
        for (const auto& count : facet.counts()) {
          EXPECT_FALSE(Leaks(count.value())) << what << " facet " << facet.name();
        }
      }
      for (const auto& hit : response.hits()) {
        hits++;
        if (ids) ids->insert(hit.project().id());
      }
      if (response.next_page_token().empty()) {
        EXPECT_EQ(static_cast<int64_t>(hits), total) << what << ": pages hold every match";
        return total;
      }
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << what << ": more than " << kMaxPages << " pages";
    return total;
  }

  static void ListAllPages(const std::optional<std::string>& bearer, v1::ListProjectsRequest request,
                           const std::string& what, std::set<std::string>* ids) {
    for (int page = 0; page < kMaxPages; ++page) {
      v1::ListProjectsResponse response;
      grpc::Status s = env->stubs->catalog->ListProjects(Context(bearer).get(), request, &response);
      ExpectNoLeak(response, s, what);
      ASSERT_TRUE(s.ok()) << what << ": " << Describe(s);
      for (const auto& p : response.projects()) ids->insert(p.id());
      if (response.next_page_token().empty()) return;
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << what << ": more than " << kMaxPages << " pages";
  }
};

// Positive control: the sentinels are stored and an expert editor sees them,
// so their absence from public answers means something.
TEST_F(AccessLeakTest, SentinelsAreStoredAndVisibleToTheEditor) {
  const auto editor = Bearer(env->editor_token);
  for (const Seed& seed : kSeeds) {
    v1::GetProjectRequest request;
    request.set_id(seed.id);
    v1::GetProjectResponse response;
    grpc::Status s = env->stubs->catalog->GetProject(Context(editor).get(), request, &response);
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_TRUE(Leaks(response.project().restricted().procurement_notes()));
    EXPECT_TRUE(Leaks(response.project().expert().artifacts(0).manifest_id()));
    v1::ListFeedbackRequest list;
    list.set_project_id(seed.id);
    v1::ListFeedbackResponse feedback;
    s = env->stubs->catalog->ListFeedback(Context(editor).get(), list, &feedback);
    ASSERT_TRUE(s.ok()) << Describe(s);
    ASSERT_EQ(feedback.feedback_size(), 2);
    EXPECT_TRUE(Leaks(feedback.feedback(0).text()));
  }
  EXPECT_GE(SentinelWords().size(), 80u);
}

TEST_F(AccessLeakTest, SearchNeverMatchesOrShowsRestrictedText) {
  std::vector<std::string> sentinel_queries = {"zqxsecret", "ZQXSECRET", "zqx", "zqxsecretvendor",
                                               "zqxsecretfeedback"};
  for (const auto& word : SentinelWords()) {
    sentinel_queries.push_back(word);
    sentinel_queries.push_back(absl::AsciiStrToLower(word));
  }
  // Public words: every title word of the seeds, and whole titles.
  std::vector<std::string> public_queries = {"fuites", "trafic", "ecoles", "dechets", "collecte", "reseau eau",
                                             "prevision", "consommation", "anomaly", "forecasting", "velo", "eau",
                                             "energie", "optimisation tournees", "testville"};
  for (const Seed& seed : kSeeds) public_queries.push_back(seed.title);

  std::vector<v1::ProjectFilter> filters(1);  // no filter first
  for (const Seed& seed : kSeeds) {
    v1::ProjectFilter f;
    f.set_domain(seed.domain);
    filters.push_back(f);
    f.Clear();
    f.set_status(seed.status);
    filters.push_back(f);
    f.Clear();
    f.set_region(seed.region);
    filters.push_back(f);
    f.Clear();
    f.set_collectivity(seed.collectivity);
    filters.push_back(f);
    f.Clear();
    f.set_technique(seed.technique);
    filters.push_back(f);
  }
  for (const char* secret_filter : {"ZQXSECRETvendor1", "ZQXSECRETlicense1"}) {
    v1::ProjectFilter f;
    f.set_technique(secret_filter);
    filters.push_back(f);
    f.Clear();
    f.set_collectivity(secret_filter);
    filters.push_back(f);
  }

  for (const auto& [caller, bearer] : PublicCallers()) {
    SCOPED_TRACE(caller);
    for (const auto& query : sentinel_queries) {
      for (const auto& filter : {filters.front(), filters[1]}) {
        v1::SearchRequest request;
        request.set_query(query);
        *request.mutable_filter() = filter;
        EXPECT_EQ(SearchAllPages(bearer, request, "search '" + query + "'", nullptr), 0) << query;
      }
    }
    // A restricted word beside a public one changes nothing: the closest
    // matches are those of the public word alone.
    for (const auto& filter : {filters.front(), filters[1]}) {
      std::set<std::string> with_secret, alone;
      v1::SearchRequest request;
      *request.mutable_filter() = filter;
      request.set_query("fuites zqxsecret");
      SearchAllPages(bearer, request, "search 'fuites zqxsecret'", &with_secret);
      request.set_query("fuites");
      SearchAllPages(bearer, request, "search 'fuites'", &alone);
      EXPECT_EQ(with_secret, alone) << filter.ShortDebugString();
    }
    std::set<std::string> found;
    for (const auto& query : public_queries) {
      for (const auto& filter : filters) {
        for (int page_size : {1, 0}) {
          v1::SearchRequest request;
          request.set_query(query);
          *request.mutable_filter() = filter;
          request.set_page_size(page_size);
          SearchAllPages(bearer, request, "search '" + query + "' " + filter.ShortDebugString(), &found);
        }
      }
    }
    // The crawl reached every project through search.
    for (const Seed& seed : kSeeds) {
      EXPECT_TRUE(found.count(seed.id)) << seed.id;
    }
  }
}

TEST_F(AccessLeakTest, GetListStatsAndFeedbackNeverShowRestrictedText) {
  for (const auto& [caller, bearer] : PublicCallers()) {
    SCOPED_TRACE(caller);
    std::set<std::string> ids;
    std::vector<v1::ListProjectsRequest> lists(1);
    for (const Seed& seed : kSeeds) {
      v1::ListProjectsRequest r;
      r.mutable_filter()->set_domain(seed.domain);
      lists.push_back(r);
      r.Clear();
      r.mutable_filter()->set_status(seed.status);
      lists.push_back(r);
      r.Clear();
      r.mutable_filter()->set_region(seed.region);
      lists.push_back(r);
      r.Clear();
      r.mutable_filter()->set_collectivity(seed.collectivity);
      lists.push_back(r);
      r.Clear();
      r.mutable_filter()->set_technique(seed.technique);
      lists.push_back(r);
    }
    for (auto request : lists) {
      for (int page_size : {1, 0}) {
        request.set_page_size(page_size);
        ListAllPages(bearer, request, "list " + request.ShortDebugString(), &ids);
      }
    }
    for (const Seed& seed : kSeeds) {
      EXPECT_TRUE(ids.count(seed.id)) << seed.id;
    }
    ids.insert("no-such-project");

    for (const auto& id : ids) {
      v1::GetProjectRequest request;
      request.set_id(id);
      v1::GetProjectResponse response;
      grpc::Status s = env->stubs->catalog->GetProject(Context(bearer).get(), request, &response);
      ExpectNoLeak(response, s, "get " + id);
      if (id == "no-such-project") {
        EXPECT_EQ(CodeName(s.error_code()), "NOT_FOUND");
        continue;
      }
      ASSERT_TRUE(s.ok()) << id << ": " << Describe(s);
      EXPECT_EQ(v1::Tier_Name(response.tier()), "TIER_PUBLIC");
      EXPECT_FALSE(response.project().has_restricted());
      EXPECT_FALSE(response.project().has_expert());
      EXPECT_EQ(response.project().public_().id(), id);

      v1::ListFeedbackRequest feedback_request;
      feedback_request.set_project_id(id);
      v1::ListFeedbackResponse feedback;
      s = env->stubs->catalog->ListFeedback(Context(bearer).get(), feedback_request, &feedback);
      ExpectNoLeak(feedback, s, "feedback " + id);
      EXPECT_EQ(CodeName(s.error_code()), bearer ? "PERMISSION_DENIED" : "UNAUTHENTICATED") << Describe(s);
      EXPECT_EQ(feedback.feedback_size(), 0);
    }

    v1::StatsResponse stats;
    grpc::Status s = env->stubs->catalog->Stats(Context(bearer).get(), {}, &stats);
    ExpectNoLeak(stats, s, "stats");
    ASSERT_TRUE(s.ok()) << Describe(s);
    EXPECT_EQ(stats.projects(), static_cast<int64_t>(std::size(kSeeds)));
  }
}

// The CLI as a citizen runs it: no token (and none from the environment or a
// config file), trusting the node's certificate.
TEST_F(AccessLeakTest, CliWithoutTokenNeverPrintsRestrictedText) {
  CommandResult help = RunCommand({CliBinary(), "--help"}, "", 30);
  if (!absl::StrContains(help.out + help.err, "--ca") || !absl::StrContains(help.out + help.err, "--token")) {
    GTEST_SKIP() << "bibia --help does not show --ca/--token yet: CLI part skipped";
  }
  TempDir home;
  setenv("HOME", home.path().c_str(), 1);
  for (const char* var : {"BIBIA_TOKEN", "BIBIA_CA", "BIBIA_INSECURE", "BIBIA_CONFIG", "BIBIA_NODE"}) unsetenv(var);

  auto bibia = [&](const std::string& token, std::vector<std::string> args) {
    std::vector<std::string> argv = {CliBinary()};
    for (const auto& flag : env->node->CliFlags(token)) argv.push_back(flag);
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, "", 30);
  };
  for (const std::string& token : {std::string(), env->reader_token}) {
    SCOPED_TRACE(token.empty() ? "no token" : "public reader token");
    std::vector<std::vector<std::string>> reads = {
        {"stats"}, {"project", "list"}, {"project", "list", "--all"}, {"search", "fuites"},
        {"search", "zqxsecret"}, {"search", "ZQXSECRETvendor1"}, {"search", "eau", "--region", "Bretagne"},
    };
    for (const Seed& seed : kSeeds) reads.push_back({"project", "get", seed.id});
    for (auto args : reads) {
      for (bool json : {false, true}) {
        if (json) args.push_back("--json");
        CommandResult r = bibia(token, args);
        const std::string what = absl::StrJoin(args, " ");
        EXPECT_EQ(r.exit_code, 0) << what << ": " << r.err;
        EXPECT_FALSE(Leaks(r.out)) << what << " prints: " << r.out;
        EXPECT_FALSE(Leaks(r.err)) << what << " prints on stderr: " << r.err;
      }
    }
    CommandResult get = bibia(token, {"project", "get", kSeeds[0].id});
    EXPECT_THAT(get.out, HasSubstr("fuites"));  // the public part is there
    for (const Seed& seed : kSeeds) {
      for (bool json : {false, true}) {
        std::vector<std::string> args = {"feedback", "list", seed.id};
        if (json) args.push_back("--json");
        CommandResult r = bibia(token, args);
        EXPECT_EQ(r.exit_code, 1) << "feedback list must be refused: " << r.out;
        EXPECT_THAT(r.err, HasSubstr(token.empty() ? "UNAUTHENTICATED" : "PERMISSION_DENIED"));
        EXPECT_FALSE(Leaks(r.out)) << r.out;
        EXPECT_FALSE(Leaks(r.err)) << r.err;
      }
    }
  }
}

}  // namespace
}  // namespace bibia::testing
