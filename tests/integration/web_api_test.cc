// The HTTP API of a real bibia-node over HTTPS on 127.0.0.1: status codes and
// JSON shapes (parsed back into the gRPC messages), tier raising with a
// bearer token and the audit of restricted reads, leak sentinels never in a
// public response, error or export, bad input as 4xx JSON errors, ETag,
// CORS and CSP headers, the anonymous rate limit shared with gRPC, and the
// exports checked by independent parsers (python3 rdflib and csv).
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bibia/v1/catalog.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSentinel[] = "ZQXSECRET";

struct Response {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class WebApiTest : public ::testing::Test {
 protected:
  void StartNode(std::vector<std::string> extra = {}) {
    http_port_file_ = dir_.path() + "/http.port";
    extra.insert(extra.end(), {"--http", "127.0.0.1:0", "--http-port-file", http_port_file_});
    node_ = std::make_unique<NodeProcess>(dir_.path() + "/node", extra);
    ASSERT_TRUE(node_->Start()) << node_->log();
    std::string address = ReadTextFile(http_port_file_);
    address = std::string(absl::StripAsciiWhitespace(address));
    ASSERT_FALSE(address.empty()) << node_->log();
    const size_t colon = address.rfind(':');
    host_ = address.substr(0, colon);
    port_ = std::stoi(address.substr(colon + 1));
    admin_ = node_->IssueToken("expert", "admin");
    restricted_ = node_->IssueToken("restricted", "reader");
    ASSERT_FALSE(admin_.empty());
  }

  void ImportDemo() {
    std::vector<std::string> argv = {CliBinary()};
    for (const auto& f : node_->CliFlags(admin_)) argv.push_back(f);
    argv.insert(argv.end(), {"import", DemoCatalogue()});
    CommandResult r = RunCommand(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Imports one project whose restricted and expert texts hold kSentinel,
  // and feedback whose text holds it.
  void ImportSentinel() {
    Stubs stubs(TlsChannel(node_->address(), ReadTextFile(node_->certificate_file())));
    v1::ImportResponse response;
    grpc::Status s = ImportOne(stubs.contribute.get(), Bearer(admin_), ThreeFacetProject("web-leak", kSentinel), &response);
    ASSERT_TRUE(s.ok()) << Describe(s);
    v1::AddFeedbackRequest feedback;
    feedback.mutable_feedback()->set_project_id("web-leak");
    feedback.mutable_feedback()->set_kind(v1::FEEDBACK_KIND_LESSON);
    feedback.mutable_feedback()->set_text(absl::StrCat("lesson ", kSentinel));
    v1::AddFeedbackResponse added;
    auto context = Context(Bearer(admin_));
    s = stubs.contribute->AddFeedback(context.get(), feedback, &added);
    ASSERT_TRUE(s.ok()) << Describe(s);
  }

  // A request with `target` sent as is (already percent-encoded).
  Response Send(const std::string& method, const std::string& target, const std::string& token = "",
                httplib::Headers headers = {}) {
    httplib::SSLClient client(host_, port_);
    client.set_ca_cert_path(node_->certificate_file().c_str());
    client.enable_server_certificate_verification(true);
    client.set_url_encode(false);
    client.set_connection_timeout(10, 0);
    client.set_read_timeout(30, 0);
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    httplib::Request req;
    req.method = method;
    req.path = target;
    req.headers = headers;
    if (method == "POST" || method == "PUT") {
      req.body = "{}";
      req.set_header("Content-Type", "application/json");
    }
    Response out;
    auto result = client.send(req);
    if (!result) {
      ADD_FAILURE() << method << " " << target << ": " << httplib::to_string(result.error());
      return out;
    }
    out.status = result->status;
    out.body = result->body;
    out.headers = result->headers;
    return out;
  }
  Response Get(const std::string& target, const std::string& token = "") { return Send("GET", target, token); }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::string http_port_file_;
  std::string host_;
  int port_ = 0;
  std::string admin_;
  std::string restricted_;
};

template <typename Message>
Message Parse(const std::string& json) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json.substr(0, 400);
  return message;
}

// The {"error":{"code","message"}} shape, with the code named.
void ExpectError(const Response& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  google::protobuf::Struct body;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.body, &body).ok()) << r.body;
  ASSERT_TRUE(body.fields().contains("error")) << r.body;
  const auto& error = body.fields().at("error").struct_value().fields();
  ASSERT_TRUE(error.contains("code") && error.contains("message")) << r.body;
  EXPECT_EQ(error.at("code").string_value(), code) << r.body;
  EXPECT_FALSE(error.at("message").string_value().empty());
  EXPECT_EQ(r.header("Content-Type"), "application/json");
}

TEST_F(WebApiTest, SearchListGetAndStatsAreTheGrpcMessagesInJson) {
  StartNode();
  ImportDemo();
  Response r = Get("/api/v1/projects?q=fuites");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto search = Parse<v1::SearchResponse>(r.body);
  std::vector<std::string> ids;
  for (const auto& hit : search.hits()) ids.push_back(hit.project().id());
  EXPECT_THAT(ids, ::testing::IsSupersetOf({"sicoval-detection-fuites-eau", "capi-detection-fuites-eau"}));
  EXPECT_EQ(search.total_matches(), search.hits_size());
  bool has_domain_facet = false;
  for (const auto& facet : search.facets()) has_domain_facet = has_domain_facet || facet.name() == "domain";
  EXPECT_TRUE(has_domain_facet);

  // A filter narrows the matches and their counts.
  auto water = Parse<v1::SearchResponse>(Get("/api/v1/projects?q=fuites&domain=water").body);
  for (const auto& hit : water.hits()) EXPECT_EQ(hit.project().domain(), v1::DOMAIN_WATER);
  EXPECT_LE(water.total_matches(), search.total_matches());

  // Without a query: the list, in pages.
  r = Get("/api/v1/projects?limit=20");
  ASSERT_EQ(r.status, 200) << r.body;
  auto page = Parse<v1::ListProjectsResponse>(r.body);
  EXPECT_EQ(page.projects_size(), 20);
  std::set<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    for (const auto& p : page.projects()) seen.insert(p.id());
    if (page.next_page_token().empty()) break;
    page = Parse<v1::ListProjectsResponse>(
        Get(absl::StrCat("/api/v1/projects?limit=20&page_token=", page.next_page_token())).body);
  }
  EXPECT_EQ(seen.size(), 47u);

  r = Get("/api/v1/projects/capi-detection-fuites-eau");
  ASSERT_EQ(r.status, 200) << r.body;
  auto project = Parse<v1::GetProjectResponse>(r.body);
  EXPECT_EQ(project.tier(), v1::TIER_PUBLIC);
  EXPECT_EQ(project.project().public_().id(), "capi-detection-fuites-eau");
  EXPECT_FALSE(project.project().has_restricted());

  auto stats = Parse<v1::StatsResponse>(Get("/api/v1/stats").body);
  EXPECT_EQ(stats.projects(), 47);

  r = Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("SERVING"));
  ExpectError(Get("/api/v1/projects/no-such-project"), 404, "NOT_FOUND");
}

TEST_F(WebApiTest, ATokenRaisesTheTierAndRestrictedReadsAreAudited) {
  StartNode();
  ImportSentinel();
  Response anonymous = Get("/api/v1/projects/web-leak");
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_THAT(anonymous.body, Not(HasSubstr(kSentinel)));
  EXPECT_EQ(anonymous.header("Access-Control-Allow-Origin"), "*");

  Response restricted = Get("/api/v1/projects/web-leak", restricted_);
  ASSERT_EQ(restricted.status, 200) << restricted.body;
  auto project = Parse<v1::GetProjectResponse>(restricted.body);
  EXPECT_EQ(project.tier(), v1::TIER_RESTRICTED);
  EXPECT_TRUE(project.project().has_restricted());
  EXPECT_FALSE(project.project().has_expert());
  EXPECT_THAT(restricted.body, HasSubstr(kSentinel));
  // Projected to a token: neither shared with other sites nor cached.
  EXPECT_EQ(restricted.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(restricted.header("Cache-Control"), "private, no-store");

  auto expert = Parse<v1::GetProjectResponse>(Get("/api/v1/projects/web-leak", admin_).body);
  EXPECT_EQ(expert.tier(), v1::TIER_EXPERT);
  EXPECT_TRUE(expert.project().has_expert());

  // Feedback is restricted: 401 without a token, 401 with a bad one.
  Response feedback = Get("/api/v1/projects/web-leak/feedback");
  ExpectError(feedback, 401, "UNAUTHENTICATED");
  EXPECT_THAT(feedback.header("WWW-Authenticate"), HasSubstr("Bearer"));
  ExpectError(Get("/api/v1/projects/web-leak/feedback", "not-a-token"), 401, "UNAUTHENTICATED");
  feedback = Get("/api/v1/projects/web-leak/feedback", restricted_);
  ASSERT_EQ(feedback.status, 200) << feedback.body;
  EXPECT_EQ(Parse<v1::ListFeedbackResponse>(feedback.body).feedback_size(), 1);

  // The restricted reads over HTTP are in the audit log, as over gRPC.
  std::vector<std::string> argv = {CliBinary(), "--json"};
  for (const auto& f : node_->CliFlags(admin_)) argv.push_back(f);
  argv.insert(argv.end(), {"audit", "--limit", "100"});
  CommandResult audit = RunCommand(argv);
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("GetProject"));
  EXPECT_THAT(audit.out, HasSubstr("ListFeedback"));
  EXPECT_THAT(audit.out, HasSubstr("web-leak"));
}

TEST_F(WebApiTest, NoSentinelInAnyPublicResponseErrorOrExport) {
  StartNode();
  ImportDemo();
  ImportSentinel();
  const std::vector<std::string> public_targets = {
      "/api/v1/projects?q=fuites",
      "/api/v1/projects?q=zqxsecret",
      "/api/v1/projects?q=ZQXSECRET%40testville",
      "/api/v1/projects?q=testville&domain=water",
      "/api/v1/projects",
      "/api/v1/projects?limit=500",
      "/api/v1/projects?region=Bretagne",
      "/api/v1/projects/web-leak",
      "/api/v1/projects/web-leak/feedback",
      "/api/v1/stats",
      "/export/dcat.jsonld",
      "/export/projects.csv",
      "/export/register.json",
      "/export/register.csv",
      "/api/v1/projects/web-leak?bogus=1",
      "/nope",
  };
  for (const std::string& target : public_targets) {
    Response r = Get(target);
    EXPECT_THAT(r.body, Not(HasSubstr(kSentinel))) << target;
    EXPECT_THAT(absl::AsciiStrToLower(r.body), Not(HasSubstr("zqxsecret@"))) << target;
  }
  // Exports are public whatever the token.
  for (const char* target : {"/export/dcat.jsonld", "/export/projects.csv", "/export/register.json",
                             "/export/register.csv"}) {
    Response r = Get(target, admin_);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_THAT(r.body, Not(HasSubstr(kSentinel))) << target;
    EXPECT_THAT(r.body, HasSubstr("web-leak")) << target;
  }
}

TEST_F(WebApiTest, BadInputIsA4xxJsonError) {
  StartNode();
  ImportDemo();
  ExpectError(Get("/api/v1/projects?q=eau&color=blue"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?q=eau&q=fuites"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?q=" + std::string(1200, 'a')), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?q=eau&page_token=garbage"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?page_token=NOT%20AN%20ID"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?limit=0"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?limit=abc"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?domain=cheese"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects?q=%ff%fe"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/projects/%c3%28"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/api/v1/stats?x=1"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/assets/../../../etc/passwd"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/assets/%2e%2e/%2e%2e/etc/passwd"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/assets/..%2f..%2fetc%2fpasswd"), 400, "INVALID_ARGUMENT");
  ExpectError(Get("/assets/no-such-file.js"), 404, "NOT_FOUND");
  ExpectError(Get("/etc/passwd"), 404, "NOT_FOUND");
  ExpectError(Get("/export/secrets.csv"), 404, "NOT_FOUND");
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    Response r = Send(method, "/api/v1/projects");
    ExpectError(r, 405, "INVALID_ARGUMENT");
    EXPECT_EQ(r.header("Allow"), "GET, HEAD") << method;
  }
  // Nothing was written by those.
  EXPECT_EQ(Parse<v1::StatsResponse>(Get("/api/v1/stats").body).projects(), 47);
  // The node still serves.
  EXPECT_EQ(Get("/healthz").status, 200);
}

TEST_F(WebApiTest, HeadersEtagCorsAndCsp) {
  StartNode();
  ImportDemo();
  Response r = Get("/api/v1/stats");
  ASSERT_EQ(r.status, 200);
  const std::string etag = r.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.header("Set-Cookie"), "");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  Response again = Send("GET", "/api/v1/stats", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  Response head = Send("HEAD", "/api/v1/stats");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());

  Response page = Get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  const std::string csp = page.header("Content-Security-Policy");
  EXPECT_THAT(csp, HasSubstr("script-src 'self'"));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
  EXPECT_EQ(Get("/assets/app.js").header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/assets/app.css").header("Content-Type"), "text/css; charset=utf-8");
}

TEST_F(WebApiTest, AnonymousHttpSharesTheAnonymousRateLimitWithGrpc) {
  StartNode({"--anonymous-rate", "0.01", "--anonymous-burst", "3"});
  int ok = 0;
  int limited = 0;
  for (int i = 0; i < 6; ++i) {
    Response r = Get("/api/v1/stats");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      ExpectError(r, 429, "RESOURCE_EXHAUSTED");
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 3);
  // The same bucket as gRPC's anonymous calls from this address.
  Stubs stubs(TlsChannel(node_->address(), ReadTextFile(node_->certificate_file())));
  v1::StatsResponse stats;
  auto context = Context(std::nullopt);
  grpc::Status s = stubs.catalog->Stats(context.get(), v1::StatsRequest(), &stats);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(s);
  // A token is not rate-limited.
  EXPECT_EQ(Get("/api/v1/stats", restricted_).status, 200);
}

TEST_F(WebApiTest, ExportsParseWithIndependentTools) {
  StartNode();
  ImportDemo();
  for (const char* name : {"dcat.jsonld", "projects.csv", "register.json", "register.csv"}) {
    Response r = Get(absl::StrCat("/export/", name));
    ASSERT_EQ(r.status, 200) << name << r.body;
    ASSERT_TRUE(WriteTextFile(absl::StrCat(dir_.path(), "/", name), r.body));
  }
  CommandResult check = RunCommand({"/usr/bin/python3", BIBIA_EXPORT_CHECK, dir_.path(), "47"}, "", 120);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_THAT(check.out, HasSubstr("exports ok"));
}

TEST_F(WebApiTest, HttpFlagsAreCheckedAndTheNodeStopsCleanly) {
  const std::string data = dir_.path() + "/flags";
  ASSERT_EQ(InitNodeDir(data, "flags-node"), "");
  CommandResult r = RunCommand({NodeBinary(), "--data-dir", data, "--http", "nowhere"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--http"));
  r = RunCommand({NodeBinary(), "--data-dir", data, "--no-http", "--http-port-file", data + "/p"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--no-http: not with --http"));
  r = RunCommand({NodeBinary(), "--data-dir", data, "--http", "127.0.0.1:0", "--public-url", "ftp://x/"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(RunCommand({NodeBinary(), "--help"}).out, HasSubstr("--http HOST:PORT"));

  // Serving HTTP, with a keep-alive connection open, SIGTERM still stops it.
  StartNode();
  httplib::SSLClient client(host_, port_);
  client.enable_server_certificate_verification(false);
  client.set_keep_alive(true);
  auto result = client.Get("/healthz");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  // A second node asked for the same HTTP address does not share it.
  NodeProcess second(data, {"--http", absl::StrCat(host_, ":", port_)});
  EXPECT_FALSE(second.Start()) << "two nodes on one HTTP port";
  EXPECT_THAT(second.log(), HasSubstr("cannot listen"));
  EXPECT_EQ(node_->Stop(), 0) << node_->log();
}

TEST_F(WebApiTest, CliExportsWriteTheSameFormatsPublicOnly) {
  StartNode();
  ImportDemo();
  ImportSentinel();
  const std::string out = dir_.path() + "/cli";
  ASSERT_EQ(RunCommand({"/bin/mkdir", "-p", out}).exit_code, 0);
  const std::pair<const char*, const char*> formats[] = {
      {"dcat", "dcat.jsonld"}, {"csv", "projects.csv"}, {"register", "register.json"}, {"register-csv", "register.csv"}};
  for (const auto& [format, file] : formats) {
    std::vector<std::string> argv = {CliBinary()};
    for (const auto& f : node_->CliFlags(admin_)) argv.push_back(f);  // an expert token: still public
    argv.insert(argv.end(), {"export", format, "-o", absl::StrCat(out, "/", file), "--base-url", "https://bibia.example.fr"});
    CommandResult r = RunCommand(argv);
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_THAT(ReadTextFile(absl::StrCat(out, "/", file)), Not(HasSubstr(kSentinel))) << format;
  }
  EXPECT_THAT(ReadTextFile(out + "/dcat.jsonld"), HasSubstr("https://bibia.example.fr/?project=web-leak"));
  CommandResult check = RunCommand({"/usr/bin/python3", BIBIA_EXPORT_CHECK, out, "48"}, "", 120);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  // A bad format is a usage error naming the formats.
  std::vector<std::string> argv = {CliBinary()};
  for (const auto& f : node_->CliFlags(admin_)) argv.push_back(f);
  argv.insert(argv.end(), {"export", "xml"});
  CommandResult bad = RunCommand(argv);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("register-csv"));
}

}  // namespace
}  // namespace bibia::testing
