// Artifacts in a federation of real nodes: a manifest travels in its owner's
// expert log to expert members only (never to a public mirror, whose store
// holds neither the manifest nor a chunk's bytes); a member's developer
// pulls from the origin with a token of their own node, or through their own
// node, which fetches the chunks from the federation and keeps them; a member
// collects and erases the chunks a replicated deletion leaves unreferenced.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bibia/v1/artifacts.pb.h"
#include "bibia/v1/artifacts_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
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

// The public facet of a project `id` of Nantes.
v1::Project Cantine(const std::string& id) {
  v1::Project project;
  project.mutable_public_()->set_id(id);
  project.mutable_public_()->mutable_collectivity()->set_name("Nantes Métropole");
  project.mutable_public_()->set_title_fr("Fréquentation des cantines");
  project.mutable_public_()->set_domain(v1::DOMAIN_PUBLIC_SERVICES);
  project.mutable_public_()->set_status(v1::STATUS_PRODUCTION);
  return project;
}

TEST(FederationArtifactsTest, ManifestsReachExpertMembersOnly) {
  constexpr int kOrigin = 0, kMember = 1, kMirror = 2;
  TempDir dir;
  FederationHarness f(dir.path(), 3, {"--gossip-interval", "200ms"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster({{f.id(kMirror), v1::TIER_PUBLIC}}));
  v1::Project project = Cantine("cantine");
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
  // The member's holds the manifest.
  f.Stop(kMember);
  EXPECT_NE(FoundIn(f.node(kMember).data_dir(), kName), "");
}

// True once node i lists artifact `name` of project "cantine" (bounded wait).
bool WaitForArtifact(FederationHarness& f, int i, const std::string& token, const std::string& name) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    CommandResult list = Bibia(f.node(i), token, {"artifact", "list", "cantine"});
    if (list.exit_code == 0 && list.out.find(name) != std::string::npos) return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return false;
}

// Flips a byte of every copy of `needle` in node i's blob files (stopped
// after a restart, so that its chunks have left the write-ahead log);
// returns how many copies.
int DamageBlobs(FederationHarness& f, int i, const std::string& needle) {
  f.Stop(i);
  if (!f.Start(i).ok()) return 0;
  f.Stop(i);
  int damaged = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(f.node(i).data_dir())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".blob") continue;
    std::string content = ReadAll(entry.path().string());
    int here = 0;
    for (size_t at = content.find(needle); at != std::string::npos; at = content.find(needle, at + 1)) {
      content[at + 10] ^= 0x55;
      ++here;
    }
    if (here > 0) std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << content;
    damaged += here;
  }
  return damaged;
}

TEST(FederationArtifactsTest, MembersPullThroughTheirOwnNodeFromAnyNodeThatHoldsTheChunks) {
  constexpr int kOrigin = 0, kFirst = 1, kSecond = 2;
  TempDir dir;
  FederationHarness f(dir.path(), 3, {"--gossip-interval", "200ms"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster());  // all three of expert tier
  v1::Project project = Cantine("cantine");
  grpc::Status put = f.Put(kOrigin, project);
  ASSERT_TRUE(put.ok()) << put.error_message();
  std::mt19937_64 rng(11);
  std::string bytes(1 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const std::string file = dir.path() + "/weights.bin";
  std::ofstream(file, std::ios::binary) << bytes;
  CommandResult pushed = Bibia(f.node(kOrigin), f.node(kOrigin).IssueToken("expert", "editor"),
                               {"artifact", "push", "cantine", file, "--name", kName, "--kind", "model", "--format",
                                "onnx", "--licence", "MIT"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  ASSERT_STATUS_OK(f.AddPeer(kFirst, kOrigin));
  ASSERT_STATUS_OK(f.AddPeer(kSecond, kOrigin));
  ASSERT_STATUS_OK(f.AddPeer(kSecond, kFirst));
  const std::string first_dev = f.node(kFirst).IssueToken("expert", "reader");
  const std::string second_dev = f.node(kSecond).IssueToken("expert", "reader");
  ASSERT_TRUE(WaitForArtifact(f, kFirst, first_dev, kName)) << f.node(kFirst).log();
  ASSERT_TRUE(WaitForArtifact(f, kSecond, second_dev, kName)) << f.node(kSecond).log();
  const std::string ref = std::string("cantine/") + kName;

  // The first member's developer pulls from their own node, which fetches
  // every chunk from the origin.
  CommandResult first = Bibia(f.node(kFirst), first_dev, {"artifact", "pull", ref, "-o", dir.path() + "/a.bin"});
  ASSERT_EQ(first.exit_code, 0) << first.err << f.node(kFirst).log();
  EXPECT_TRUE(ReadAll(dir.path() + "/a.bin") == bytes);
  EXPECT_THAT(f.node(kFirst).log(), HasSubstr("chunks fetched from the federation"));

  // A chunk damaged on the origin's disk: the second member's node gets it
  // from the first member instead, and the file is exact.
  ASSERT_GT(DamageBlobs(f, kOrigin, bytes.substr(500000, 64)), 0);
  ASSERT_STATUS_OK(f.Start(kOrigin));
  CommandResult second = Bibia(f.node(kSecond), second_dev, {"artifact", "pull", ref, "-o", dir.path() + "/b.bin"});
  ASSERT_EQ(second.exit_code, 0) << second.err << f.node(kSecond).log();
  EXPECT_TRUE(ReadAll(dir.path() + "/b.bin") == bytes);
  // The origin did not give the damaged chunk (skipped, or refused for its hash).
  EXPECT_THAT(f.node(kSecond).log(), HasSubstr("missing=0"));
  EXPECT_THAT(f.node(kSecond).log(), HasSubstr("failures=\"n0: "));

  // The origin gone, both members still serve the file from what they keep.
  f.Stop(kOrigin);
  CommandResult again = Bibia(f.node(kFirst), first_dev, {"artifact", "pull", ref, "-o", dir.path() + "/c.bin"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(ReadAll(dir.path() + "/c.bin") == bytes);
  CommandResult third = Bibia(f.node(kSecond), second_dev, {"artifact", "pull", ref, "-o", dir.path() + "/d.bin"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_TRUE(ReadAll(dir.path() + "/d.bin") == bytes);
}

TEST(FederationArtifactsTest, APullThroughANodeThatReachesNoHolderFailsAndWritesNothing) {
  constexpr int kOrigin = 0, kMember = 1;
  TempDir dir;
  FederationHarness f(dir.path(), 2, {"--gossip-interval", "200ms"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster());
  v1::Project project = Cantine("cantine");
  grpc::Status put = f.Put(kOrigin, project);
  ASSERT_TRUE(put.ok()) << put.error_message();
  const std::string file = dir.path() + "/weights.bin";
  std::ofstream(file, std::ios::binary) << std::string(300000, 'w');
  CommandResult pushed = Bibia(f.node(kOrigin), f.node(kOrigin).IssueToken("expert", "editor"),
                               {"artifact", "push", "cantine", file, "--name", kName, "--kind", "model", "--format",
                                "onnx", "--licence", "MIT"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  ASSERT_STATUS_OK(f.AddPeer(kMember, kOrigin));
  const std::string developer = f.node(kMember).IssueToken("expert", "reader");
  ASSERT_TRUE(WaitForArtifact(f, kMember, developer, kName)) << f.node(kMember).log();
  f.Stop(kOrigin);
  const std::string out = dir.path() + "/out.bin";
  CommandResult pulled =
      Bibia(f.node(kMember), developer, {"artifact", "pull", std::string("cantine/") + kName, "-o", out});
  EXPECT_NE(pulled.exit_code, 0);
  EXPECT_THAT(pulled.err, HasSubstr("neither on this node nor on a node it reached"));
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(FederationArtifactsTest, AMemberCollectsAndErasesTheChunksOfAReplicatedDeletion) {
  constexpr int kOrigin = 0, kMember = 1;
  TempDir dir;
  // The default grace (a day): chunks of a deleted manifest, and chunks
  // fetched for a replicated one, do not wait for it.
  FederationHarness f(dir.path(), 2, {"--gossip-interval", "200ms", "--chunk-collect-interval", "100ms"});
  ASSERT_STATUS_OK(f.StartAll());
  ASSERT_STATUS_OK(f.InstallRoster());
  v1::Project project = Cantine("cantine");
  grpc::Status put = f.Put(kOrigin, project);
  ASSERT_TRUE(put.ok()) << put.error_message();
  project.mutable_public_()->set_id("cantine-copie");
  put = f.Put(kMember, project);
  ASSERT_TRUE(put.ok()) << put.error_message();

  std::mt19937_64 rng(6);
  std::string bytes(600000, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const std::string marker = "replicated-erasure-marker-5c1e";
  bytes.replace(300000, marker.size(), marker);
  const std::string file = dir.path() + "/weights.bin";
  std::ofstream(file, std::ios::binary) << bytes;
  const auto push = [&](int node, const std::string& project_id, const std::string& name) {
    return Bibia(f.node(node), f.node(node).IssueToken("expert", "editor"),
                 {"artifact", "push", project_id, file, "--name", name, "--kind", "model", "--format", "safetensors",
                  "--licence", "MIT"});
  };
  CommandResult pushed = push(kOrigin, "cantine", kName);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  ASSERT_STATUS_OK(f.AddPeer(kMember, kOrigin));
  const std::string member_admin = f.admin_token(kMember);
  ASSERT_TRUE(WaitForArtifact(f, kMember, member_admin, kName)) << f.node(kMember).log();

  // The member's node keeps the chunks of a pull through it.
  const std::string ref = std::string("cantine/") + kName;
  CommandResult pulled = Bibia(f.node(kMember), member_admin, {"artifact", "pull", ref, "-o", dir.path() + "/a.bin"});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err << f.node(kMember).log();
  // The same bytes pushed there as the member's own artifact, then deleted:
  // the replicated manifest still references them, none is collected.
  ASSERT_EQ(push(kMember, "cantine-copie", "copie").exit_code, 0);
  CommandResult own_deleted = Bibia(f.node(kMember), f.node(kMember).IssueToken("expert", "editor"),
                                    {"artifact", "delete", "cantine-copie/copie@1", "--json"});
  ASSERT_EQ(own_deleted.exit_code, 0) << own_deleted.err;
  v1::DeleteArtifactResponse collected;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(own_deleted.out, &collected).ok()) << own_deleted.out;
  EXPECT_EQ(collected.chunks_collected(), 0u);
  const auto stored_on_member = [&]() -> int64_t {
    CommandResult r = Bibia(f.node(kMember), member_admin, {"artifact", "verify", "--json"});
    if (r.exit_code != 0) return -1;
    v1::ArtifactVerifySummary summary;
    if (!google::protobuf::util::JsonStringToMessage(r.out, &summary).ok()) return -1;
    return static_cast<int64_t>(summary.chunks_checked());
  };
  const int64_t held = stored_on_member();
  ASSERT_GT(held, 0);
  EXPECT_NE(FoundIn(f.node(kMember).data_dir(), marker), "");

  // The origin deletes; the member's timer collects once the tombstone arrived.
  CommandResult deleted = Bibia(f.node(kOrigin), f.node(kOrigin).IssueToken("expert", "editor"),
                                {"artifact", "delete", ref + "@1"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(FoundIn(f.node(kOrigin).data_dir(), marker), "");
  int64_t left = held;
  for (int i = 0; i < 300 && left != 0; ++i) {
    left = stored_on_member();
    if (left != 0) absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(left, 0) << f.node(kMember).log();
  CommandResult list = Bibia(f.node(kMember), member_admin, {"artifact", "list"});
  EXPECT_EQ(list.out, "no artifacts\n");
  f.Stop(kMember);
  EXPECT_EQ(FoundIn(f.node(kMember).data_dir(), marker), "");
}

}  // namespace
}  // namespace bibia::testing
