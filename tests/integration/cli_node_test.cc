// End-to-end tests of issue "Catalogue node": a real bibia-node on an
// ephemeral 127.0.0.1 port, driven through the real bibia CLI.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "bibia/v1/catalog.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWaterProject[] = R"({
  "public": {
    "id": "test-fuites-reseau",
    "collectivity": {"name": "Ville de Testville", "region": "Bretagne"},
    "title_fr": "Détection des fuites du réseau d'eau",
    "summary_fr": "Un modèle repère les fuites à partir des débits nocturnes.",
    "domain": "DOMAIN_WATER",
    "status": "STATUS_PILOT",
    "techniques": ["anomaly detection"],
    "tags": ["eau", "fuites"]
  },
  "restricted": {"contacts": [{"role": "DSI", "email": "dsi@testville.example.org"}]},
  "expert": {"source_repository": "https://example.org/testville/fuites", "license": "MIT"}
})";

class CliNodeTest : public ::testing::Test {
 protected:
  // Serving flags of the node under test.
  virtual std::vector<std::string> NodeFlags() const { return {}; }

  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_.path() + "/node", NodeFlags());
    ASSERT_TRUE(node_->Start()) << node_->log();
    editor_token_ = node_->IssueToken("expert", "editor");
    ASSERT_FALSE(editor_token_.empty());
  }

  // Runs `bibia --node ADDRESS --ca CERT --token EDITOR args...`.
  CommandResult Bibia(std::vector<std::string> args, const std::string& stdin_text = "") {
    std::vector<std::string> argv = {CliBinary()};
    for (const auto& flag : node_->CliFlags(editor_token_)) argv.push_back(flag);
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, stdin_text);
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << content;
    return path;
  }

  static std::string DemoCatalogueText() {
    std::ifstream in(DemoCatalogue());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // The node's statistics, read through the CLI's --json output.
  v1::StatsResponse Stats() {
    CommandResult r = Bibia({"stats", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    v1::StatsResponse stats;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &stats).ok()) << r.out;
    return stats;
  }

  // Asserts that `args` fails with a non-zero exit, an error naming `field`,
  // nothing on stdout, and no change to the catalogue.
  void ExpectRejected(const std::vector<std::string>& args, const std::string& field) {
    v1::StatsResponse before = Stats();
    CommandResult r = Bibia(args);
    EXPECT_NE(r.exit_code, 0) << "stdout: " << r.out;
    EXPECT_THAT(r.err, HasSubstr(field));
    EXPECT_EQ(r.out, "");
    v1::StatsResponse after = Stats();
    EXPECT_EQ(after.projects(), before.projects());
    EXPECT_EQ(after.feedback(), before.feedback());
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::string editor_token_;
};

TEST_F(CliNodeTest, PutGetListSearch) {
  std::string file = WriteFile("p.json", kWaterProject);
  CommandResult put = Bibia({"project", "put", file});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(put.out, "created test-fuites-reseau\n");
  // The same project again writes nothing, and says so.
  CommandResult again = Bibia({"project", "put", file});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "unchanged test-fuites-reseau (identical to the stored project)\n");

  CommandResult get = Bibia({"project", "get", "test-fuites-reseau", "--json"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  v1::GetProjectResponse got;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(get.out, &got).ok()) << get.out;
  EXPECT_EQ(got.project().public_().title_fr(), "Détection des fuites du réseau d'eau");
  EXPECT_EQ(got.project().public_().domain(), v1::DOMAIN_WATER);
  EXPECT_GT(got.project().public_().updated_unix_ms(), 0);
  // What get --json prints goes back in as it is.
  CommandResult round_trip = Bibia({"project", "put", WriteFile("got.json", get.out)});
  ASSERT_EQ(round_trip.exit_code, 0) << round_trip.err;
  EXPECT_EQ(round_trip.out, "unchanged test-fuites-reseau (identical to the stored project)\n");

  CommandResult human = Bibia({"project", "get", "test-fuites-reseau"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_THAT(human.out, HasSubstr("Détection des fuites"));

  CommandResult list = Bibia({"project", "list", "--domain", "water"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("test-fuites-reseau"));
  CommandResult other = Bibia({"project", "list", "--domain", "mobility"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_THAT(other.out, Not(HasSubstr("test-fuites-reseau")));

  // Accents folded both ways; the last word matches as a prefix.
  for (const char* query : {"detection fuites", "réseau", "fuit"}) {
    CommandResult search = Bibia({"search", query, "--json"});
    ASSERT_EQ(search.exit_code, 0) << query << ": " << search.err;
    v1::SearchResponse response;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(search.out, &response).ok()) << search.out;
    ASSERT_EQ(response.hits_size(), 1) << query;
    EXPECT_EQ(response.hits(0).project().id(), "test-fuites-reseau");
  }
  CommandResult table = Bibia({"search", "fuites"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("test-fuites-reseau"));
}

TEST_F(CliNodeTest, ImportDemoCatalogueThenSearchAndReimport) {
  CommandResult import = Bibia({"import", DemoCatalogue()});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_THAT(import.out, HasSubstr("47"));
  v1::StatsResponse stats = Stats();
  EXPECT_EQ(stats.projects(), 47);
  EXPECT_EQ(stats.collectivities(), 25);
  EXPECT_GT(stats.feedback(), 100);

  CommandResult search = Bibia({"search", "cantine", "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  v1::SearchResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(search.out, &response).ok());
  ASSERT_GT(response.hits_size(), 0);
  bool found_nantes = false;
  for (const auto& hit : response.hits()) found_nantes |= hit.project().collectivity().name().find("Nantes") == 0;
  EXPECT_TRUE(found_nantes);

  // Plurals meet their singular: "cantines" in a summary matches "cantine".
  CommandResult plural = Bibia({"search", "cantine gaspillage", "--json"});
  ASSERT_EQ(plural.exit_code, 0) << plural.err;
  v1::SearchResponse plural_hits;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(plural.out, &plural_hits).ok());
  std::vector<std::string> ids;
  for (const auto& hit : plural_hits.hits()) ids.push_back(hit.project().id());
  EXPECT_THAT(ids, ::testing::IsSupersetOf({"essonne-ia-gasp-colleges", "toulouse-plateforme-iadata"}));

  // Filters and facets through the CLI.
  CommandResult filtered = Bibia({"search", "donnees", "--domain", "water", "--json"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  v1::SearchResponse water;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(filtered.out, &water).ok());
  for (const auto& hit : water.hits()) EXPECT_EQ(hit.project().domain(), v1::DOMAIN_WATER);

  // Importing the same file again changes nothing.
  CommandResult again = Bibia({"import", DemoCatalogue()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  v1::StatsResponse after = Stats();
  EXPECT_EQ(after.projects(), 47);
  EXPECT_EQ(after.feedback(), stats.feedback());
}

TEST_F(CliNodeTest, FeedbackAddAndList) {
  ASSERT_EQ(Bibia({"project", "put", WriteFile("p.json", kWaterProject)}).exit_code, 0);
  CommandResult add = Bibia({"feedback", "add", "test-fuites-reseau", "--kind", "lesson", "--text",
                             "Associer les agents de terrain dès le début."});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  CommandResult list = Bibia({"feedback", "list", "test-fuites-reseau", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  v1::ListFeedbackResponse feedback;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &feedback).ok()) << list.out;
  ASSERT_EQ(feedback.feedback_size(), 1);
  EXPECT_EQ(feedback.feedback(0).kind(), v1::FEEDBACK_KIND_LESSON);
  EXPECT_EQ(feedback.feedback(0).text(), "Associer les agents de terrain dès le début.");
  EXPECT_FALSE(feedback.feedback(0).id().empty());
  // An outcome alone is a feedback too; listed after the first.
  CommandResult outcome = Bibia({"feedback", "add", "test-fuites-reseau", "--kind", "success_factor",
                                 "--outcome", "Fuites trouvées deux fois plus vite."});
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  list = Bibia({"feedback", "list", "test-fuites-reseau", "--json"});
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &feedback).ok()) << list.out;
  ASSERT_EQ(feedback.feedback_size(), 2);
  EXPECT_EQ(feedback.feedback(1).outcome(), "Fuites trouvées deux fois plus vite.");
}

// The node pages feedback (50 a page by default); the CLI follows the
// pages, so a user sees all of it.
TEST_F(CliNodeTest, FeedbackListShowsEveryPage) {
  ASSERT_EQ(Bibia({"project", "put", WriteFile("p.json", kWaterProject)}).exit_code, 0);
  constexpr int kFeedback = 60;
  for (int i = 0; i < kFeedback; ++i) {
    CommandResult add = Bibia({"feedback", "add", "test-fuites-reseau", "--kind", "lesson", "--text",
                               "Retour numéro " + std::to_string(i)});
    ASSERT_EQ(add.exit_code, 0) << add.err;
  }
  CommandResult list = Bibia({"feedback", "list", "test-fuites-reseau", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  v1::ListFeedbackResponse feedback;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &feedback).ok()) << list.out;
  ASSERT_EQ(feedback.feedback_size(), kFeedback);
  for (int i = 0; i < kFeedback; ++i) EXPECT_EQ(feedback.feedback(i).text(), "Retour numéro " + std::to_string(i));
  EXPECT_EQ(feedback.next_page_token(), "");
  CommandResult human = Bibia({"feedback", "list", "test-fuites-reseau"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_THAT(human.out, HasSubstr("Retour numéro 0\n"));
  EXPECT_THAT(human.out, HasSubstr("Retour numéro 59\n"));
}

TEST_F(CliNodeTest, BadInputIsRejectedByFieldAndWritesNothing) {
  ASSERT_EQ(Bibia({"project", "put", WriteFile("ok.json", kWaterProject)}).exit_code, 0);

  ExpectRejected({"project", "put", WriteFile("bad.json", "{\"public\": {\"id\": ")}, "bad.json");
  ExpectRejected({"project", "put", WriteFile("enum.json", R"({"public": {"id": "x", "domain": "DOMAIN_SPACE",
      "title_fr": "t", "collectivity": {"name": "c"}}})")},
                 "domain");
  ExpectRejected({"project", "put", WriteFile("notitle.json", R"({"public": {"id": "x",
      "collectivity": {"name": "c"}}})")},
                 "title");
  ExpectRejected({"project", "put", WriteFile("nocoll.json", R"({"public": {"id": "x", "title_fr": "t"}})")},
                 "collectivity");
  ExpectRejected({"project", "put", WriteFile("longtitle.json", R"({"public": {"id": "x", "title_fr": ")" +
                                                                     std::string(301, 'a') +
                                                                     R"(", "collectivity": {"name": "c"}}})")},
                 "title_fr");
  ExpectRejected({"project", "put", WriteFile("longsummary.json", R"({"public": {"id": "x", "title_fr": "t",
      "summary_fr": ")" + std::string(20001, 'a') + R"(", "collectivity": {"name": "c"}}})")},
                 "summary_fr");
  ExpectRejected({"project", "put", WriteFile("badid.json", R"({"public": {"id": "Bad/Id", "title_fr": "t",
      "collectivity": {"name": "c"}}})")},
                 "id");
  ExpectRejected({"feedback", "add", "no-such-project", "--kind", "lesson", "--text", "x"}, "no-such-project");
  ExpectRejected({"search", ""}, "query");
  ExpectRejected({"search", "   "}, "query");
  ExpectRejected({"project", "get", "no-such-project"}, "no-such-project");
  ExpectRejected({"import", WriteFile("empty.json", "{}")}, "empty.json: no projects");
}

TEST_F(CliNodeTest, BulkImportWithOneBadRecordWritesNone) {
  std::string demo = DemoCatalogueText();
  // Make the 12th record's title too long: only the node's validation sees it.
  size_t pos = 0;
  for (int i = 0; i < 12; ++i) pos = demo.find("\"title_fr\": \"", pos + 1);
  ASSERT_NE(pos, std::string::npos);
  demo.insert(pos + 13, std::string(300, 'x'));
  CommandResult r = Bibia({"import", WriteFile("bad-demo.json", demo)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("record 12"));
  EXPECT_THAT(r.err, HasSubstr("title_fr"));
  EXPECT_EQ(Stats().projects(), 0);
  EXPECT_EQ(Stats().feedback(), 0);
}

class CliNodeWithSmallImportCapTest : public CliNodeTest {
 protected:
  std::vector<std::string> NodeFlags() const override { return {"--max-import-mib", "1"}; }
};

// The node holds an import in memory until its last message: one over the
// node's cap is refused whole, whatever the CLI split it into.
TEST_F(CliNodeWithSmallImportCapTest, AnImportOverTheNodesCapWritesNone) {
  const std::string demo = DemoCatalogueText();
  std::string padding;
  while (padding.size() < 15000) padding += "remplissage ";  // under the 20,000 characters of a summary
  // 47 projects with two such summaries: about 1.6 MB, over the 1 MiB cap.
  const std::string padded = absl::StrReplaceAll(
      demo, {{"\"summary_fr\": \"", "\"summary_fr\": \"" + padding}, {"\"summary_en\": \"", "\"summary_en\": \"" + padding}});
  ASSERT_GT(padded.size(), size_t{1} << 20);
  CommandResult r = Bibia({"import", WriteFile("padded-demo.json", padded)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("more than 1 MiB in one import"));
  EXPECT_THAT(r.err, HasSubstr("--max-import-mib"));
  EXPECT_EQ(Stats().projects(), 0);
  EXPECT_EQ(Stats().feedback(), 0);
  // The same catalogue unpadded is under the cap.
  CommandResult small = Bibia({"import", DemoCatalogue()});
  EXPECT_EQ(small.exit_code, 0) << small.err;
  EXPECT_EQ(Stats().projects(), 47);
}

TEST_F(CliNodeTest, AcknowledgedWritesSurviveKill9) {
  ASSERT_EQ(Bibia({"project", "put", WriteFile("p.json", kWaterProject)}).exit_code, 0);
  ASSERT_EQ(Bibia({"feedback", "add", "test-fuites-reseau", "--kind", "difficulty", "--text", "Données rares."})
                .exit_code,
            0);
  node_->Kill9();  // right after the acknowledgements: nothing may be lost
  ASSERT_TRUE(node_->Start()) << node_->log();
  CommandResult get = Bibia({"project", "get", "test-fuites-reseau"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  EXPECT_THAT(get.out, HasSubstr("Détection des fuites"));
  CommandResult feedback = Bibia({"feedback", "list", "test-fuites-reseau"});
  EXPECT_EQ(feedback.exit_code, 0) << feedback.err;
  EXPECT_THAT(feedback.out, HasSubstr("Données rares."));
  CommandResult search = Bibia({"search", "fuites"});
  EXPECT_THAT(search.out, HasSubstr("test-fuites-reseau"));
}

TEST_F(CliNodeTest, DeleteRemovesProject) {
  ASSERT_EQ(Bibia({"project", "put", WriteFile("p.json", kWaterProject)}).exit_code, 0);
  CommandResult del = Bibia({"project", "delete", "test-fuites-reseau"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_NE(Bibia({"project", "get", "test-fuites-reseau"}).exit_code, 0);
  EXPECT_EQ(Stats().projects(), 0);
}

TEST(CliWithoutNode, UnreachableNodeIsAClearError) {
  // Port 1 on loopback: nothing listens there.
  CommandResult r = RunCommand({CliBinary(), "--node", "127.0.0.1:1", "--timeout", "2", "stats"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
  EXPECT_EQ(r.out, "");
}

TEST(CliWithoutNode, HelpEverywhere) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--help"}, {"project", "--help"}, {"project", "put", "--help"}, {"search", "--help"},
           {"feedback", "add", "--help"}, {"import", "--help"}, {"stats", "--help"}}) {
    args.insert(args.begin(), CliBinary());
    CommandResult r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 0) << args[1];
    EXPECT_THAT(r.out, HasSubstr("Usage")) << args[1];
  }
  CommandResult node_help = RunCommand({NodeBinary(), "--help"});
  EXPECT_EQ(node_help.exit_code, 0);
  EXPECT_THAT(node_help.out, HasSubstr("--data-dir"));
  // Each command of the node has help of its own.
  for (const auto& [args, usage] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"init", "--help"}, "Usage: bibia-node init"},
           {{"identity", "-h"}, "Usage: bibia-node identity"},
           {{"token", "--help"}, "Usage: bibia-node token issue"},
           {{"token", "issue", "--help"}, "Usage: bibia-node token issue"}}) {
    std::vector<std::string> argv = {NodeBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_THAT(r.out, HasSubstr(usage)) << args[0];
  }
}

TEST(CliWithoutNode, VersionOfBothBinaries) {
  CommandResult cli = RunCommand({CliBinary(), "--version"});
  EXPECT_EQ(cli.exit_code, 0);
  EXPECT_THAT(cli.out, ::testing::MatchesRegex("bibia [0-9]+\\.[0-9]+\\.[0-9]+\n"));
  CommandResult node = RunCommand({NodeBinary(), "--version"});
  EXPECT_EQ(node.exit_code, 0);
  EXPECT_THAT(node.out, ::testing::MatchesRegex("bibia-node [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST(CliWithoutNode, AMalformedNodeAddressIsAUsageError) {
  for (const char* address : {"127.0.0.1", "127.0.0.1:99999", "nohost:", "bad host:7700"}) {
    CommandResult r = RunCommand({CliBinary(), "--node", address, "stats"});
    EXPECT_EQ(r.exit_code, 2) << address << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("--node: expected HOST:PORT")) << address;
  }
}

TEST(NodeStartup, BadFlagsAreUsageErrors) {
  CommandResult r = RunCommand({NodeBinary(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--data-dir"));
  CommandResult unknown = RunCommand({NodeBinary(), "--data-dir", "/tmp/x", "--frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("--frobnicate"));
  // Values out of range are refused before anything is opened.
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--listen", "127.0.0.1:99999"}, {"--listen", "127.0.0.1"}, {"--listen", "127.0.0.1:-1"},
           {"--anonymous-rate", "-1"}, {"--anonymous-rate", "nan"}, {"--anonymous-burst", "0"},
           {"--max-import-mib", "0"}, {"--max-import-mib", "1.5"}, {"--sync-buffer-mib", "65537"},
           {"--sync-buffer-mib", "-1"}}) {
    CommandResult r = RunCommand({NodeBinary(), "--data-dir", "/nonexistent-bibia-dir", flag, value});
    EXPECT_EQ(r.exit_code, 2) << flag << " " << value << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(flag)) << value;
  }
  // init's malformed values too, before anything is created.
  TempDir dir;
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--id", "Bad Id"}, {"--endpoint", "foo"}, {"--endpoint", "127.0.0.1:0"}}) {
    std::vector<std::string> argv = {NodeBinary(), "init", "--data-dir", dir.path() + "/n", "--id", "n",
                                     "--collectivity", "N"};
    argv.push_back(flag);
    argv.push_back(value);  // the later --id wins
    CommandResult r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 2) << flag << " " << value << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(flag)) << value;
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/n")) << flag << " " << value;
  }
  // Each command's errors point to its own help, and a stray argument is one.
  CommandResult bogus = RunCommand({NodeBinary(), "init", "--bogus"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_THAT(bogus.err, HasSubstr("Run 'bibia-node init --help'"));
  CommandResult extra = RunCommand({NodeBinary(), "identity", "--data-dir", "/nonexistent-bibia-dir", "extra"});
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_THAT(extra.err, HasSubstr("identity: unexpected argument 'extra'"));
}

TEST(NodeStartup, APortInUseIsRefused) {
  TempDir dir;
  NodeProcess first(dir.path() + "/first");
  ASSERT_TRUE(first.Start()) << first.log();
  CommandResult init = RunCommand({NodeBinary(), "init", "--data-dir", dir.path() + "/second", "--id", "second",
                                   "--collectivity", "Second"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  // Were the port shared (SO_REUSEPORT), the second node would serve; the
  // timeout bounds the test if it does.
  CommandResult second =
      RunCommand({NodeBinary(), "--data-dir", dir.path() + "/second", "--listen", first.address()}, "", 20);
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_THAT(second.err, HasSubstr("cannot listen"));
  EXPECT_EQ(first.Stop(), 0);
}

TEST(NodeStartup, ADataDirInUseOrAMalformedConfigIsNamed) {
  TempDir dir;
  NodeProcess first(dir.path() + "/node");
  ASSERT_TRUE(first.Start()) << first.log();
  CommandResult second = RunCommand({NodeBinary(), "--data-dir", first.data_dir(), "--listen", "127.0.0.1:0"}, "", 20);
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_THAT(second.err, HasSubstr("in use by another process"));
  EXPECT_EQ(first.Stop(), 0);

  std::ofstream(first.data_dir() + "/node.conf", std::ios::app) << "colour: \"red\"\n";
  CommandResult broken = RunCommand({NodeBinary(), "--data-dir", first.data_dir(), "--listen", "127.0.0.1:0"}, "", 20);
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_THAT(broken.err, HasSubstr("node.conf: malformed: line "));
  EXPECT_THAT(broken.err, HasSubstr("colour"));
  EXPECT_THAT(broken.err, Not(HasSubstr("[libprotobuf")));  // protobuf's own log line
}

// A store lost after it was opened (db/ deleted, a disk replaced without its
// backup) is refused at start: started empty, the node would reuse the seqs
// its peers hold of it. Deleting the marker the message names starts anyway.
TEST(NodeStartup, AStoreLostAfterItWasOpenedIsRefused) {
  TempDir dir;
  NodeProcess node(dir.path() + "/node");
  ASSERT_TRUE(node.Start()) << node.log();
  EXPECT_EQ(node.Stop(), 0);
  std::filesystem::remove_all(node.data_dir() + "/db");
  CommandResult lost = RunCommand({NodeBinary(), "--data-dir", node.data_dir(), "--listen", "127.0.0.1:0"}, "", 20);
  EXPECT_EQ(lost.exit_code, 1) << lost.err;
  EXPECT_THAT(lost.err, HasSubstr("db: no store there (missing or emptied), though this node's store was opened"));
  EXPECT_THAT(lost.err, HasSubstr("store-opened"));
  EXPECT_FALSE(std::filesystem::exists(node.data_dir() + "/db")) << "nothing created";
  std::filesystem::create_directory(node.data_dir() + "/db");  // emptied, or a fresh disk mounted there
  CommandResult emptied = RunCommand({NodeBinary(), "--data-dir", node.data_dir(), "--listen", "127.0.0.1:0"}, "", 20);
  EXPECT_EQ(emptied.exit_code, 1) << emptied.err;
  EXPECT_THAT(emptied.err, HasSubstr("no store there"));
  std::filesystem::remove(node.data_dir() + "/store-opened");
  ASSERT_TRUE(node.Start()) << node.log();
  EXPECT_TRUE(std::filesystem::exists(node.data_dir() + "/store-opened"));
}

// A TLS key or certificate that is not one (or not a pair) is named at
// start; it was reported as a port that could not be listened on.
TEST(NodeStartup, ABadTlsKeyOrCertificateIsNamed) {
  TempDir dir;
  NodeProcess node(dir.path() + "/node");
  ASSERT_TRUE(node.Start()) << node.log();
  EXPECT_EQ(node.Stop(), 0);
  const std::string key_file = node.data_dir() + "/tls.key";
  std::ifstream key_in(key_file);
  const std::string key((std::istreambuf_iterator<char>(key_in)), std::istreambuf_iterator<char>());
  const auto start = [&] {
    return RunCommand({NodeBinary(), "--data-dir", node.data_dir(), "--listen", "127.0.0.1:0"}, "", 20);
  };
  std::ofstream(key_file, std::ios::trunc) << "junk\n";
  CommandResult junk = start();
  EXPECT_EQ(junk.exit_code, 1) << junk.err;
  EXPECT_THAT(junk.err, HasSubstr("tls.key: not a PEM private key"));
  EXPECT_THAT(junk.err, Not(HasSubstr("cannot listen")));

  std::ofstream(key_file, std::ios::trunc) << key;
  ASSERT_EQ(RunCommand({NodeBinary(), "init", "--data-dir", dir.path() + "/other", "--id", "other",
                        "--collectivity", "Autre"}).exit_code, 0);
  std::filesystem::copy_file(dir.path() + "/other/tls.crt", node.certificate_file(),
                             std::filesystem::copy_options::overwrite_existing);
  CommandResult mismatched = start();
  EXPECT_EQ(mismatched.exit_code, 1) << mismatched.err;
  EXPECT_THAT(mismatched.err, HasSubstr("tls.crt: not the certificate of the key in"));
}

TEST(NodeStartup, GracefulShutdownOnSigterm) {
  TempDir dir;
  NodeProcess node(dir.path() + "/node");
  ASSERT_TRUE(node.Start()) << node.log();
  EXPECT_EQ(node.Stop(), 0);
  EXPECT_THAT(node.log(), HasSubstr("msg=stopped"));
}

}  // namespace
}  // namespace bibia::testing
