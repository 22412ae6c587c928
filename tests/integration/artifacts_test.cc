// End-to-end tests of artifacts: a real bibia-node on 127.0.0.1 driven
// through the real bibia CLI (artifact push, pull, list, show, delete,
// verify).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bibia/v1/artifacts.pb.h"
#include "bibia/v1/artifacts_service.grpc.pb.h"
#include "bibia/v1/artifacts_service.pb.h"
#include "catalog/log_writer.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr char kProject[] = R"({
  "public": {
    "id": "cantine",
    "collectivity": {"name": "Nantes Métropole", "region": "Pays de la Loire"},
    "title_fr": "Prévision de la fréquentation des cantines",
    "domain": "DOMAIN_PUBLIC_SERVICES",
    "status": "STATUS_PRODUCTION"
  }
})";

constexpr size_t kMinChunk = 16 << 10;
constexpr size_t kMaxChunk = 256 << 10;

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) s[i + j] = static_cast<char>(v >> (8 * j));
  }
  return s;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Whether `needle` occurs in a file under `dir`.
bool InFiles(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && ReadAll(entry.path().string()).find(needle) != std::string::npos) return true;
  }
  return false;
}

// Flips a byte of every occurrence of `needle` in the node's blob files (the
// node stopped): a chunk damaged on disk. Returns how many it damaged.
int DamageBlobs(const std::string& data_dir, const std::string& needle) {
  int damaged = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".blob") continue;
    std::string content = ReadAll(entry.path().string());
    for (size_t at = content.find(needle); at != std::string::npos; at = content.find(needle, at + 1)) {
      content[at + 10] ^= 0x55;
      ++damaged;
    }
    if (damaged > 0) {
      std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << content;
      break;
    }
  }
  return damaged;
}

class ArtifactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_.path() + "/node", std::vector<std::string>{"--chunk-grace", "0s"});
    ASSERT_TRUE(node_->Start()) << node_->log();
    editor_ = node_->IssueToken("expert", "editor");
    ASSERT_FALSE(editor_.empty());
    CommandResult put = Bibia(editor_, {"project", "put", Write("p.json", kProject)});
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }

  CommandResult Bibia(const std::string& token, std::vector<std::string> args) {
    std::vector<std::string> argv = {CliBinary()};
    for (const auto& flag : node_->CliFlags(token)) argv.push_back(flag);
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, "", 120);
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  // `bibia artifact verify --json` as `token`.
  v1::ArtifactVerifySummary Verify(const std::string& token) {
    CommandResult r = Bibia(token, {"artifact", "verify", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    v1::ArtifactVerifySummary summary;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &summary).ok()) << r.out;
    return summary;
  }

  v1::ArtifactTransferSummary Summary(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    v1::ArtifactTransferSummary summary;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &summary).ok()) << r.out;
    return summary;
  }

  v1::ArtifactTransferSummary Push(const std::string& file, const std::string& name,
                                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"artifact", "push", "cantine", file,     "--name",    name, "--kind",
                                     "model",    "--format", "onnx", "--licence", "Apache-2.0", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Summary(Bibia(editor_, args));
  }

  v1::ArtifactTransferSummary Pull(const std::string& ref, const std::string& out,
                                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"artifact", "pull", ref, "-o", out, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Summary(Bibia(editor_, args));
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::string editor_;
};

TEST_F(ArtifactsTest, RoundTripsOfEverySize) {
  std::string repeated;
  const std::string block = RandomBytes(1 << 20, 3);
  for (int i = 0; i < 6; ++i) repeated += block;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"empty", ""},
      {"one", "x"},
      {"min", RandomBytes(kMinChunk, 1)},
      {"max", RandomBytes(kMaxChunk, 2)},
      {"random", RandomBytes(5 << 20, 4)},
      {"repeated", repeated},
  };
  for (const auto& [name, bytes] : files) {
    SCOPED_TRACE(name);
    const std::string file = Write(name + ".bin", bytes);
    v1::ArtifactTransferSummary pushed = Push(file, name);
    EXPECT_EQ(pushed.id(), "cantine/" + name + "@1");
    EXPECT_EQ(pushed.size_bytes(), bytes.size());
    if (name == "repeated") EXPECT_LT(pushed.bytes_sent(), 2u << 20);  // each block once, or nearly
    v1::ArtifactTransferSummary pulled = Pull("cantine/" + name, Path(name + ".out"));
    EXPECT_EQ(pulled.sha256(), pushed.sha256());
    EXPECT_TRUE(ReadAll(Path(name + ".out")) == bytes);
    EXPECT_FALSE(std::filesystem::exists(Path(name + ".out.bibia-partial")));
    // The same file again: no chunk sent, the same manifest (unchanged).
    v1::ArtifactTransferSummary again = Push(file, name, {"--version", "1"});
    EXPECT_EQ(again.chunks_sent(), 0u);
    EXPECT_TRUE(again.unchanged());
  }
  CommandResult list = Bibia(editor_, {"artifact", "list", "cantine"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("cantine/random@1"));
  CommandResult project = Bibia(editor_, {"project", "get", "cantine", "--json"});
  ASSERT_EQ(project.exit_code, 0) << project.err;
  EXPECT_THAT(project.out, HasSubstr("cantine/repeated@1"));
}

TEST_F(ArtifactsTest, NewVersionsMoveOnlyWhatChanged) {
  const std::string v1_bytes = RandomBytes(16 << 20, 10);
  std::string v2_bytes = v1_bytes;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 10; ++i) {  // 10 scattered 1 KiB changes
    const size_t at = rng() % (v2_bytes.size() - 1024);
    v2_bytes.replace(at, 1024, RandomBytes(1024, 100 + i));
  }
  const std::string v3_bytes = RandomBytes(1024, 99) + v1_bytes;  // 1 KiB inserted at the start
  v1::ArtifactTransferSummary first = Push(Write("v1", v1_bytes), "weights");
  EXPECT_EQ(first.bytes_sent(), v1_bytes.size());
  v1::ArtifactTransferSummary second = Push(Write("v2", v2_bytes), "weights");
  EXPECT_EQ(second.id(), "cantine/weights@2");
  // At most ~3 chunks per change.
  EXPECT_LE(second.bytes_sent(), 10 * 3 * kMaxChunk);
  EXPECT_LT(second.bytes_sent(), v2_bytes.size() / 4);
  v1::ArtifactTransferSummary third = Push(Write("v3", v3_bytes), "weights");
  EXPECT_LE(third.bytes_sent(), 2 * kMaxChunk);

  // Pulling v2 next to v1 fetches about what changed.
  v1::ArtifactTransferSummary pulled = Pull("cantine/weights@2", Path("v2.out"), {"--from", Path("v1")});
  EXPECT_TRUE(ReadAll(Path("v2.out")) == v2_bytes);
  EXPECT_LE(pulled.bytes_fetched(), 10 * 3 * kMaxChunk);
  EXPECT_GT(pulled.chunks_reused(), 0u);
  // The latest version without @VERSION.
  v1::ArtifactTransferSummary latest = Pull("cantine/weights", Path("latest.out"), {"--from", Path("v1")});
  EXPECT_EQ(latest.id(), "cantine/weights@3");
  EXPECT_TRUE(ReadAll(Path("latest.out")) == v3_bytes);
  EXPECT_LE(latest.bytes_fetched(), 2 * kMaxChunk);

  // Lineage, and deletion collecting what no version references.
  ASSERT_EQ(Push(Write("v4", v2_bytes + "tail"), "weights", {"--base", "cantine/weights@2"}).id(),
            "cantine/weights@4");
  CommandResult show = Bibia(editor_, {"artifact", "show", "cantine/weights@2"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("cantine/weights@4"));
  CommandResult deleted = Bibia(editor_, {"artifact", "delete", "cantine/weights@1", "--json"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  v1::DeleteArtifactResponse collected;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(deleted.out, &collected).ok()) << deleted.out;
  // v1's chunks are still v2's and v3's, but for the few v2 changed.
  EXPECT_LE(collected.chunks_collected(), 40u);
  CommandResult gone = Bibia(editor_, {"artifact", "pull", "cantine/weights@1", "-o", Path("gone")});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_THAT(gone.err, HasSubstr("NOT_FOUND"));
}

TEST_F(ArtifactsTest, ALongChunkListTravelsInPieces) {
  // About 1,150 chunks: more than a manifest lists inline.
  const std::string bytes = RandomBytes(72 << 20, 50);
  v1::ArtifactTransferSummary pushed = Push(Write("big", bytes), "big");
  EXPECT_GT(pushed.chunks(), 1000u);
  v1::ArtifactTransferSummary pulled = Pull("cantine/big", Path("big.out"));
  EXPECT_EQ(pulled.chunks(), pushed.chunks());
  EXPECT_TRUE(ReadAll(Path("big.out")) == bytes);
  // One change near the start: its chunk and the first list piece move.
  std::string changed = bytes;
  changed.replace(100000, 1024, RandomBytes(1024, 51));
  v1::ArtifactTransferSummary second = Push(Write("big2", changed), "big");
  EXPECT_LE(second.bytes_sent(), 2 * kMaxChunk + 200000);
}

// Starts `argv` with its output discarded; returns its pid.
pid_t Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

TEST_F(ArtifactsTest, AKilledPushResumesWhereItStopped) {
  const std::string bytes = RandomBytes(160 << 20, 70);
  const std::string file = Write("huge", bytes);
  std::vector<std::string> push = {CliBinary()};
  for (const auto& flag : node_->CliFlags(editor_)) push.push_back(flag);
  for (const char* arg : {"artifact", "push", "cantine", "", "--name", "huge", "--kind", "model", "--format", "onnx",
                          "--licence", "MIT", "--json"}) {
    push.push_back(arg);
  }
  push[push.size() - 10] = file;
  // SIGKILL of the client once chunks of the push have arrived on the node
  // (bounded wait): the push is mid-way.
  const pid_t pid = Spawn(push);
  ASSERT_GT(pid, 0);
  const std::string admin = node_->IssueToken("expert", "admin");
  bool arrived = false;
  for (int i = 0; i < 1000 && !arrived; ++i) {
    CommandResult r = Bibia(admin, {"artifact", "verify", "--json"});
    v1::ArtifactVerifySummary stored;
    arrived = r.exit_code == 0 && google::protobuf::util::JsonStringToMessage(r.out, &stored).ok() &&
              stored.chunks_checked() > 0;
    if (!arrived) absl::SleepFor(absl::Milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(arrived) << "no chunk of the push arrived";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the push ended before it was killed";
  v1::ArtifactTransferSummary pushed = Summary(RunCommand(push, "", 300));
  // What arrived before the kill is not sent again.
  EXPECT_LT(pushed.chunks_sent(), pushed.chunks());
  EXPECT_EQ(pushed.id(), "cantine/huge@1");
}

TEST_F(ArtifactsTest, AKilledPullResumesWhereItStopped) {
  const std::string bytes = RandomBytes(160 << 20, 71);
  Push(Write("huge", bytes), "huge");
  std::vector<std::string> pull = {CliBinary()};
  for (const auto& flag : node_->CliFlags(editor_)) pull.push_back(flag);
  for (const std::string& arg : {std::string("artifact"), std::string("pull"), std::string("cantine/huge"),
                                 std::string("-o"), Path("huge.out"), std::string("--json")}) {
    pull.push_back(arg);
  }
  // SIGKILL as soon as the partial file holds the file's first MiB (so at
  // least its first chunk, at most 256 KiB, whole): chunks are written as
  // they arrive, in file order, so the pull is mid-way.
  const pid_t pid = Spawn(pull);
  ASSERT_GT(pid, 0);
  const std::string head = bytes.substr(0, 1 << 20);
  bool started = false;
  for (int i = 0; i < 60000 && !started; ++i) {  // at most 60 s
    std::ifstream partial(Path("huge.out.bibia-partial"), std::ios::binary);
    std::string first(head.size(), '\0');
    started = partial.read(first.data(), static_cast<std::streamsize>(first.size())) && first == head;
    if (!started) absl::SleepFor(absl::Milliseconds(1));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(started) << "the pull wrote nothing within 60 s";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the pull ended before it was killed";
  EXPECT_FALSE(std::filesystem::exists(Path("huge.out")));
  v1::ArtifactTransferSummary pulled = Summary(RunCommand(pull, "", 300));
  EXPECT_TRUE(ReadAll(Path("huge.out")) == bytes);
  EXPECT_EQ(pulled.bytes_fetched() + pulled.bytes_reused(), bytes.size());
  // What was written before the kill is kept, not fetched again.
  EXPECT_GT(pulled.chunks_reused(), 0u);
}

TEST_F(ArtifactsTest, ResumesFromAPartialPull) {
  const std::string bytes = RandomBytes(4 << 20, 20);
  Push(Write("f", bytes), "data");
  // A partial pull: the first half written, the rest garbage.
  std::string partial = bytes.substr(0, 2 << 20) + RandomBytes(2 << 20, 21);
  Write("f.out.bibia-partial", partial);
  v1::ArtifactTransferSummary pulled = Pull("cantine/data", Path("f.out"));
  EXPECT_TRUE(ReadAll(Path("f.out")) == bytes);
  EXPECT_GT(pulled.bytes_reused(), 1u << 20);
  EXPECT_LT(pulled.bytes_fetched(), 3u << 20);
  EXPECT_FALSE(std::filesystem::exists(Path("f.out.bibia-partial")));
}

TEST_F(ArtifactsTest, AnonymousAndRestrictedCallersAreRefusedEverywhere) {
  const std::string file = Write("f", RandomBytes(100000, 30));
  Push(file, "secret");
  const std::string restricted = node_->IssueToken("restricted", "editor");
  const std::string reader = node_->IssueToken("expert", "reader");
  const std::vector<std::vector<std::string>> commands = {
      {"artifact", "push", "cantine", file, "--name", "x", "--kind", "model", "--format", "onnx", "--licence", "MIT"},
      {"artifact", "pull", "cantine/secret", "-o", Path("leak")},
      {"artifact", "list"},
      {"artifact", "show", "cantine/secret"},
      {"artifact", "delete", "cantine/secret@1"},
  };
  for (const auto& args : commands) {
    SCOPED_TRACE(args[1]);
    CommandResult anonymous = Bibia("", args);
    EXPECT_NE(anonymous.exit_code, 0);
    EXPECT_THAT(anonymous.err, HasSubstr("UNAUTHENTICATED"));
    CommandResult low = Bibia(restricted, args);
    EXPECT_NE(low.exit_code, 0);
    EXPECT_THAT(low.err, HasSubstr("PERMISSION_DENIED"));
    EXPECT_EQ(low.out, "");
  }
  EXPECT_FALSE(std::filesystem::exists(Path("leak")));
  // An expert reader pulls, and may not push nor delete.
  CommandResult pulled = Bibia(reader, {"artifact", "pull", "cantine/secret", "-o", Path("ok")});
  EXPECT_EQ(pulled.exit_code, 0) << pulled.err;
  CommandResult pushed = Bibia(reader, commands[0]);
  EXPECT_THAT(pushed.err, HasSubstr("PERMISSION_DENIED"));
  CommandResult deleted = Bibia(reader, commands[4]);
  EXPECT_THAT(deleted.err, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(ArtifactsTest, ADamagedChunkOnTheNodeIsNeverWritten) {
  const std::string bytes = RandomBytes(1 << 20, 40);
  Push(Write("f", bytes), "model");
  // A restart moves the chunks from the write-ahead log to blob files; then
  // damage them there, the node stopped.
  ASSERT_EQ(node_->Stop(), 0);
  ASSERT_TRUE(node_->Start()) << node_->log();
  ASSERT_EQ(node_->Stop(), 0);
  ASSERT_GT(DamageBlobs(node_->data_dir(), bytes.substr(300000, 64)), 0);
  ASSERT_TRUE(node_->Start()) << node_->log();
  CommandResult pulled = Bibia(editor_, {"artifact", "pull", "cantine/model", "-o", Path("out")});
  EXPECT_NE(pulled.exit_code, 0);
  EXPECT_THAT(pulled.err, AnyOf(HasSubstr("DATA_LOSS"), HasSubstr("do not match")));
  EXPECT_FALSE(std::filesystem::exists(Path("out")));
}

TEST_F(ArtifactsTest, VerifyReportsAndRemovesADamagedChunkForAdminsOnly) {
  const std::string bytes = RandomBytes(1 << 20, 41);
  const std::string file = Write("f", bytes);
  v1::ArtifactTransferSummary pushed = Push(file, "model");
  const std::string admin = node_->IssueToken("expert", "admin");
  v1::ArtifactVerifySummary clean = Verify(admin);
  EXPECT_EQ(clean.chunks_checked(), pushed.chunks());
  EXPECT_EQ(clean.bytes_checked(), bytes.size());
  EXPECT_EQ(clean.chunks_damaged(), 0u);
  CommandResult human = Bibia(admin, {"artifact", "verify"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_THAT(human.out, HasSubstr("none damaged"));
  // An expert editor is no admin; an anonymous caller nobody.
  CommandResult editor = Bibia(editor_, {"artifact", "verify"});
  EXPECT_NE(editor.exit_code, 0);
  EXPECT_THAT(editor.err, HasSubstr("PERMISSION_DENIED"));
  CommandResult anonymous = Bibia("", {"artifact", "verify"});
  EXPECT_NE(anonymous.exit_code, 0);
  EXPECT_THAT(anonymous.err, HasSubstr("UNAUTHENTICATED"));

  // A chunk damaged in a blob file (as ADamagedChunkOnTheNodeIsNeverWritten).
  ASSERT_EQ(node_->Stop(), 0);
  ASSERT_TRUE(node_->Start()) << node_->log();
  ASSERT_EQ(node_->Stop(), 0);
  ASSERT_GT(DamageBlobs(node_->data_dir(), bytes.substr(300000, 64)), 0);
  ASSERT_TRUE(node_->Start()) << node_->log();
  v1::ArtifactVerifySummary found = Verify(admin);
  EXPECT_EQ(found.chunks_damaged(), 1u);
  ASSERT_EQ(found.damaged_size(), 1);
  EXPECT_THAT(found.damaged(0), ::testing::MatchesRegex("[0-9a-f]{64}: .+"));
  EXPECT_EQ(found.chunks_checked(), pushed.chunks());
  v1::ArtifactVerifySummary after = Verify(admin);  // removed: the store is clean again
  EXPECT_EQ(after.chunks_damaged(), 0u);
  EXPECT_LT(after.chunks_checked(), pushed.chunks());
  // A push of the same file sends the removed chunk again; the pull is whole.
  v1::ArtifactTransferSummary again = Push(file, "model", {"--version", "1"});
  EXPECT_TRUE(again.unchanged());
  EXPECT_GE(again.chunks_sent(), 1u);
  v1::ArtifactTransferSummary pulled = Pull("cantine/model", Path("out"));
  EXPECT_EQ(pulled.sha256(), pushed.sha256());
  EXPECT_TRUE(ReadAll(Path("out")) == bytes);
  EXPECT_EQ(Verify(admin).chunks_checked(), pushed.chunks());
}

TEST_F(ArtifactsTest, ADeletedArtifactsBytesLeaveTheNodesFiles) {
  const std::string marker = "erase-me-" + RandomBytes(32, 43);
  const std::string bytes = RandomBytes(300000, 44) + marker + RandomBytes(300000, 45);
  Push(Write("f", bytes), "secret");
  const std::string kept = RandomBytes(200000, 46);
  Push(Write("k", kept), "kept");
  // The chunks are in the store's files (flushed at the end of the upload).
  ASSERT_TRUE(InFiles(node_->data_dir(), marker));
  CommandResult deleted = Bibia(editor_, {"artifact", "delete", "cantine/secret@1"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_FALSE(InFiles(node_->data_dir(), marker));
  ASSERT_EQ(node_->Stop(), 0);
  EXPECT_FALSE(InFiles(node_->data_dir(), marker));
  ASSERT_TRUE(node_->Start()) << node_->log();
  v1::ArtifactTransferSummary pulled = Pull("cantine/kept", Path("kept.out"));
  EXPECT_TRUE(ReadAll(Path("kept.out")) == kept);
}

TEST(ArtifactsCollectorTest, TheTimerCollectsAnUploadNeverCommittedAfterItsGrace) {
  TempDir dir;
  NodeProcess node(dir.path() + "/node", {"--chunk-grace", "1s", "--chunk-collect-interval", "100ms"});
  ASSERT_TRUE(node.Start()) << node.log();
  const std::string editor = node.IssueToken("expert", "editor");
  const std::string admin = node.IssueToken("expert", "admin");
  // An upload with no manifest committed after it (a push that never ended).
  const std::string marker = "never-committed-" + RandomBytes(32, 47);
  const std::string bytes = RandomBytes(20000, 48) + marker;
  auto stub = v1::Artifacts::NewStub(TlsChannel(node.address(), ReadAll(node.certificate_file())));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + editor);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::UploadChunksResponse uploaded;
  {
    auto writer = stub->UploadChunks(&context, &uploaded);
    v1::UploadChunksRequest message;
    v1::ChunkData* chunk = message.add_chunks();
    chunk->set_sha256(catalog::Sha256(bytes));
    chunk->set_data(bytes);
    ASSERT_TRUE(writer->Write(message));
    ASSERT_TRUE(writer->WritesDone());
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(uploaded.chunks_stored(), 1u);
  // Collected by the timer once past its grace (bounded wait).
  const auto bibia = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {CliBinary()};
    for (const auto& flag : node.CliFlags(admin)) argv.push_back(flag);
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, "", 60);
  };
  uint64_t stored = 1;
  for (int i = 0; i < 300 && stored > 0; ++i) {
    CommandResult r = bibia({"artifact", "verify", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    v1::ArtifactVerifySummary summary;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &summary).ok()) << r.out;
    stored = summary.chunks_checked();
    if (stored > 0) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(stored, 0u) << node.log();
  EXPECT_FALSE(InFiles(node.data_dir(), marker));
  EXPECT_THAT(node.log(), HasSubstr("collected"));
}

TEST_F(ArtifactsTest, ANodeKilledMidPushHoldsNoManifestAndTheRerunIsWhole) {
  const std::string bytes = RandomBytes(200 << 20, 80);
  const std::string file = Write("huge", bytes);
  std::vector<std::string> push = {CliBinary()};
  for (const auto& flag : node_->CliFlags(editor_)) push.push_back(flag);
  for (const std::string& arg : {std::string("artifact"), std::string("push"), std::string("cantine"), file,
                                 std::string("--name"), std::string("huge"), std::string("--kind"),
                                 std::string("model"), std::string("--format"), std::string("onnx"),
                                 std::string("--licence"), std::string("MIT"), std::string("--json")}) {
    push.push_back(arg);
  }
  CommandResult interrupted;
  std::thread pushing([&] { interrupted = RunCommand(push, "", 300); });
  // SIGKILL of the node once chunks of the push have arrived (bounded wait).
  const std::string admin = node_->IssueToken("expert", "admin");
  for (int i = 0; i < 1000; ++i) {
    CommandResult r = Bibia(admin, {"artifact", "verify", "--json"});
    v1::ArtifactVerifySummary stored;
    if (r.exit_code == 0 && google::protobuf::util::JsonStringToMessage(r.out, &stored).ok() &&
        stored.chunks_checked() > 0) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  node_->Kill9();
  pushing.join();
  if (interrupted.exit_code == 0) GTEST_SKIP() << "the push finished before the node was killed";
  ASSERT_TRUE(node_->Start()) << node_->log();
  CommandResult list = Bibia(editor_, {"artifact", "list", "cantine"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "no artifacts\n");
  v1::ArtifactTransferSummary pushed = Summary(RunCommand(push, "", 300));
  EXPECT_EQ(pushed.id(), "cantine/huge@1");
  v1::ArtifactTransferSummary pulled = Pull("cantine/huge", Path("huge.out"));
  EXPECT_EQ(pulled.sha256(), pushed.sha256());
  EXPECT_TRUE(ReadAll(Path("huge.out")) == bytes);
}

// The path of program `name` in $PATH, or "" if it is in none.
std::string OnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path == nullptr ? "" : path;
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

TEST_F(ArtifactsTest, AGitBundleTravelsAsASourceArtifactAndClones) {
  const std::string git_binary = OnPath("git");
  if (git_binary.empty()) GTEST_SKIP() << "git is not installed";
  const std::string repo = Path("repo");
  std::filesystem::create_directories(repo);
  const auto git = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {git_binary, "-C", repo, "-c", "user.name=Test", "-c", "user.email=test@example.org",
                                     "-c", "init.defaultBranch=main"};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = RunCommand(argv, "", 60);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  git({"init", "-q"});
  std::ofstream(repo + "/train.py") << "print('entraînement du modèle de fréquentation')\n";
  git({"add", "train.py"});
  git({"commit", "-q", "-m", "first"});
  git({"bundle", "create", Path("src.bundle"), "--all"});
  v1::ArtifactTransferSummary pushed =
      Summary(Bibia(editor_, {"artifact", "push", "cantine", Path("src.bundle"), "--name", "code", "--kind", "source",
                              "--format", "git-bundle", "--licence", "EUPL-1.2", "--json"}));
  EXPECT_EQ(pushed.id(), "cantine/code@1");
  CommandResult show = Bibia(editor_, {"artifact", "show", "cantine/code@1"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("git-bundle"));
  v1::ArtifactTransferSummary pulled = Pull("cantine/code", Path("pulled.bundle"));
  EXPECT_EQ(pulled.sha256(), pushed.sha256());
  CommandResult cloned = RunCommand({git_binary, "clone", "-q", Path("pulled.bundle"), Path("clone")}, "", 60);
  ASSERT_EQ(cloned.exit_code, 0) << cloned.err;
  EXPECT_EQ(ReadAll(Path("clone/train.py")), "print('entraînement du modèle de fréquentation')\n");
}

TEST(ArtifactsQuotaTest, APushOverTheQuotaCommitsNothingAndTheNodeServesOn) {
  TempDir dir;
  // About 1 MiB of chunks.
  NodeProcess node(dir.path() + "/node", {"--max-artifact-gib", "0.001"});
  ASSERT_TRUE(node.Start()) << node.log();
  const std::string editor = node.IssueToken("expert", "editor");
  const auto bibia = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {CliBinary()};
    for (const auto& flag : node.CliFlags(editor)) argv.push_back(flag);
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, "", 120);
  };
  const std::string project = dir.path() + "/p.json";
  std::ofstream(project) << kProject;
  ASSERT_EQ(bibia({"project", "put", project}).exit_code, 0);
  const std::string big = dir.path() + "/big";
  std::ofstream(big, std::ios::binary) << RandomBytes(3 << 20, 60);
  CommandResult over = bibia({"artifact", "push", "cantine", big, "--name", "big", "--kind", "dataset", "--format",
                              "csv", "--licence", "CC-BY-4.0"});
  EXPECT_NE(over.exit_code, 0);
  EXPECT_THAT(over.err, HasSubstr("RESOURCE_EXHAUSTED"));
  CommandResult list = bibia({"artifact", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "no artifacts\n");
  const std::string small = dir.path() + "/small";
  std::ofstream(small, std::ios::binary) << RandomBytes(100000, 61);
  CommandResult ok = bibia({"artifact", "push", "cantine", small, "--name", "small", "--kind", "dataset", "--format",
                            "csv", "--licence", "CC-BY-4.0"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace
}  // namespace bibia::testing
