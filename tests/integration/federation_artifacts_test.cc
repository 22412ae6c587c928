// Artifacts in a federation of real nodes: a manifest travels in its owner's
// expert log to expert members only (never to a public mirror, whose store
// holds neither the manifest nor a chunk's bytes), and a member's developer
// pulls from the origin with a token of their own node.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/federation_harness.h"

namespace bibia::testing {
namespace {

using ::testing::HasSubstr;

#define ASSERT_STATUS_OK(expr)                 \
  do {                                         \
    const absl::Status _s = (expr);            \
    ASSERT_TRUE(_s.ok()) << _s.ToString();     \
  } while (0)

constexpr char kName[] = "sentinel-weights-7f3a";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Where `needle` occurs in the files under `dir` ("" if nowhere).
std::string FoundIn(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && ReadAll(entry.path().string()).find(needle) != std::string::npos) {
      return entry.path().string();
    }
  }
  return "";
}

CommandResult Bibia(NodeProcess& node, const std::string& token, std::vector<std::string> args) {
  std::vector<std::string> argv = {CliBinary()};
  for (const auto& flag : node.CliFlags(token)) argv.push_back(flag);
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, "", 120);
}

TEST(FederationArtifactsTest, ManifestsReachExpertMembersOnly) {
  constexpr int kOrigin = 0, kMember = 1, kMirror = 2;
  TempDir dir;
  FederationHarness f(dir.path(), 3, {"--gossip-interval", "200ms"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster({{f.id(kMirror), v1::TIER_PUBLIC}}));
  v1::Project project;
  project.mutable_public_()->set_id("cantine");
  project.mutable_public_()->mutable_collectivity()->set_name("Nantes Métropole");
  project.mutable_public_()->set_title_fr("Fréquentation des cantines");
  project.mutable_public_()->set_domain(v1::DOMAIN_PUBLIC_SERVICES);
  project.mutable_public_()->set_status(v1::STATUS_PRODUCTION);
  grpc::Status put = f.Put(kOrigin, project);
  ASSERT_TRUE(put.ok()) << put.error_message();

  std::mt19937_64 rng(5);
  std::string bytes(600000, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const std::string file = dir.path() + "/weights.bin";
  std::ofstream(file, std::ios::binary) << bytes;
  const std::string editor = f.node(kOrigin).IssueToken("expert", "editor");
  CommandResult pushed = Bibia(f.node(kOrigin), editor,
                               {"artifact", "push", "cantine", file, "--name", kName, "--kind", "model", "--format",
                                "safetensors", "--licence", "Apache-2.0"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;

  ASSERT_STATUS_OK(f.AddPeer(kMember, kOrigin));
  ASSERT_STATUS_OK(f.AddPeer(kMirror, kOrigin));
  ASSERT_TRUE(f.WaitForProject(kMember, "cantine", absl::Seconds(60))) << f.node(kMember).log();
  ASSERT_TRUE(f.WaitForProject(kMirror, "cantine", absl::Seconds(60))) << f.node(kMirror).log();

  // The member lists the manifest (its origin named), bounded wait.
  const std::string developer = f.node(kMember).IssueToken("expert", "reader");
  bool listed = false;
  for (int i = 0; i < 300 && !listed; ++i) {
    CommandResult list = Bibia(f.node(kMember), developer, {"artifact", "list", "cantine"});
    listed = list.exit_code == 0 && list.out.find(kName) != std::string::npos;
    if (listed) EXPECT_THAT(list.out, HasSubstr(f.id(kOrigin)));
    if (!listed) absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(listed) << f.node(kMember).log();

  // The member's developer pulls from the origin with a token of the member's node.
  const std::string out = dir.path() + "/pulled.bin";
  CommandResult pulled = Bibia(f.node(kOrigin), developer,
                               {"artifact", "pull", std::string("cantine/") + kName, "-o", out});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_TRUE(ReadAll(out) == bytes);

  // The mirror's store holds neither the manifest nor any chunk bytes.
  f.Stop(kMirror);
  EXPECT_EQ(FoundIn(f.node(kMirror).data_dir(), kName), "");
  EXPECT_EQ(FoundIn(f.node(kMirror).data_dir(), bytes.substr(1000, 64)), "");
  // The member's holds the manifest (chunks are fetched from the origin for now).
  f.Stop(kMember);
  EXPECT_NE(FoundIn(f.node(kMember).data_dir(), kName), "");
}

}  // namespace
}  // namespace bibia::testing
