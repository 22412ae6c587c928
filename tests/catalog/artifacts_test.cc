// The chunk store and artifact manifests of CatalogStore.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "catalog/store.h"
#include "catalog/keys.h"
#include "catalog/log_writer.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;

class ArtifactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Store::Options options;
    options.clock = &clock_;
    options.node_id = "nantes";
    options.db.disk_reserve_bytes = 0;
    auto store = Store::Open(dir_.path(), options);
    ASSERT_THAT(store.status(), IsOk());
    store_ = std::move(*store);
    ASSERT_THAT(store_->PutProject(MakeProject("cantine", "Cantine")).status(), IsOk());
  }

  // Stores `pieces` as chunks and returns a manifest listing them inline.
  v1::ArtifactManifest Push(const std::vector<std::string>& pieces, const std::string& version = "") {
    std::vector<std::pair<std::string_view, std::string_view>> chunks;
    std::vector<std::string> hashes;
    hashes.reserve(pieces.size());
    v1::ArtifactManifest m;
    m.set_project_id("cantine");
    m.set_name("attendance");
    m.set_version(version);
    m.set_kind(v1::ARTIFACT_KIND_MODEL);
    m.set_format(v1::ARTIFACT_FORMAT_ONNX);
    m.set_licence("Apache-2.0");
    std::string whole;
    for (const std::string& p : pieces) {
      hashes.push_back(Sha256(p));
      chunks.emplace_back(hashes.back(), p);
      v1::ChunkRef* ref = m.add_chunks();
      ref->set_sha256(hashes.back());
      ref->set_size(p.size());
      whole += p;
    }
    m.set_size_bytes(whole.size());
    m.set_chunk_count(pieces.size());
    m.set_sha256(Sha256(whole));
    EXPECT_THAT(store_->chunks()->Put(chunks, false).status(), IsOk());
    return m;
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(ArtifactsTest, ChunksAreStoredOnceAndReHashed) {
  const std::string bytes(100000, 'x');
  const std::string hash = Sha256(bytes);
  std::vector<std::pair<std::string_view, std::string_view>> chunks = {{hash, bytes}, {hash, bytes}};
  auto put = store_->chunks()->Put(chunks, true);
  ASSERT_THAT(put.status(), IsOk());
  EXPECT_EQ(put->stored, 1u);
  EXPECT_EQ(put->present, 1u);
  EXPECT_EQ(store_->chunks()->stored_bytes(), bytes.size());
  auto got = store_->chunks()->Get(hash);
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->value_or(""), bytes);

  const std::string other(10, 'y');
  std::vector<std::pair<std::string_view, std::string_view>> wrong = {{hash, other}};
  EXPECT_THAT(store_->chunks()->Put(wrong, true).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<std::string_view> query = {hash, Sha256(other)};
  auto has = store_->chunks()->Has(query);
  ASSERT_THAT(has.status(), IsOk());
  EXPECT_EQ(*has, (std::vector<bool>{true, false}));
}

TEST_F(ArtifactsTest, CommitListsTheManifestInTheExpertFacet) {
  v1::ArtifactManifest m = Push({"hello ", "world"});
  auto committed = store_->CommitManifest(m);
  ASSERT_THAT(committed.status(), IsOk());
  EXPECT_EQ(committed->id, "cantine/attendance@1");
  auto again = store_->CommitManifest(m);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->id, "cantine/attendance@2");  // no version: the next one
  auto project = store_->GetProject("cantine");
  ASSERT_THAT(project.status(), IsOk());
  ASSERT_EQ(project->expert().artifacts_size(), 2);
  EXPECT_EQ(project->expert().artifacts(0).manifest_id(), "cantine/attendance@1");
  EXPECT_EQ(project->expert().artifacts(0).format(), "onnx");

  auto latest = store_->GetManifest("cantine", "attendance", "");
  ASSERT_THAT(latest.status(), IsOk());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->artifact().version(), "2");
  EXPECT_EQ((*latest)->origin(), "nantes");

  // Immutable: the same id with other content is refused; the same content is unchanged.
  m.set_version("1");
  auto same = store_->CommitManifest(m);
  ASSERT_THAT(same.status(), IsOk());
  EXPECT_TRUE(same->unchanged);
  m.set_licence("MIT");
  EXPECT_THAT(store_->CommitManifest(m).status(), StatusIs(absl::StatusCode::kFailedPrecondition));

  // A put of the project keeps the references the manifests make.
  v1::Project put = MakeProject("cantine", "Cantine");
  put.mutable_expert()->set_license("MIT");
  ASSERT_THAT(store_->PutProject(put).status(), IsOk());
  project = store_->GetProject("cantine");
  ASSERT_THAT(project.status(), IsOk());
  EXPECT_EQ(project->expert().artifacts_size(), 2);
}

TEST_F(ArtifactsTest, CommitRefusesMissingChunksAndBadFields) {
  v1::ArtifactManifest m = Push({"abc"});
  v1::ArtifactManifest missing = m;
  missing.mutable_chunks(0)->set_sha256(Sha256("zzz"));
  EXPECT_THAT(store_->CommitManifest(missing).status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  v1::ArtifactManifest bad_size = m;
  bad_size.set_size_bytes(4);
  EXPECT_THAT(store_->CommitManifest(bad_size).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  v1::ArtifactManifest bad_name = m;
  bad_name.set_name("a/b");
  EXPECT_THAT(store_->CommitManifest(bad_name).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  v1::ArtifactManifest bad_base = m;
  bad_base.set_base("nope");
  EXPECT_THAT(store_->CommitManifest(bad_base).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  v1::ArtifactManifest no_project = m;
  no_project.set_project_id("absent");
  EXPECT_THAT(store_->CommitManifest(no_project).status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ArtifactsTest, ChunkListStoredAsChunks) {
  // 1500 chunks: more than a manifest lists inline.
  std::vector<std::string> pieces;
  for (int i = 0; i < 1500; ++i) pieces.push_back("chunk " + std::to_string(i));
  v1::ArtifactManifest m = Push(pieces);
  v1::ChunkList list;
  *list.mutable_chunks() = m.chunks();
  m.clear_chunks();
  const std::string serialized = list.SerializeAsString();
  const std::string hash = Sha256(serialized);
  std::vector<std::pair<std::string_view, std::string_view>> piece = {{hash, serialized}};
  ASSERT_THAT(store_->chunks()->Put(piece, true).status(), IsOk());
  v1::ChunkRef* ref = m.add_chunk_list();
  ref->set_sha256(hash);
  ref->set_size(serialized.size());
  auto committed = store_->CommitManifest(m);
  ASSERT_THAT(committed.status(), IsOk());
  EXPECT_LT(committed->manifest.ByteSizeLong(), 1024u);
  auto refs = store_->ChunkListOf(committed->manifest);
  ASSERT_THAT(refs.status(), IsOk());
  EXPECT_EQ(refs->size(), 1500u);
}

TEST_F(ArtifactsTest, DeleteCollectsUnreferencedChunksAfterGrace) {
  v1::ArtifactManifest a = Push({"shared", "only-a"}, "1");
  ASSERT_THAT(store_->CommitManifest(a).status(), IsOk());
  v1::ArtifactManifest b = Push({"shared", "only-b"}, "2");
  ASSERT_THAT(store_->CommitManifest(b).status(), IsOk());
  Push({"never-committed"});
  // A long grace keeps the recent uploads.
  auto kept = store_->CollectChunks(1'000'000);
  ASSERT_THAT(kept.status(), IsOk());
  EXPECT_EQ(*kept, 0u);
  auto deleted = store_->DeleteManifest("cantine", "attendance", "1", 0);
  ASSERT_THAT(deleted.status(), IsOk());
  EXPECT_EQ(*deleted, 2u);  // only-a and the upload never committed
  std::vector<std::string> names = {"shared", "only-a", "only-b", "never-committed"};
  std::vector<std::string> hashes;
  for (const auto& n : names) hashes.push_back(Sha256(n));
  std::vector<std::string_view> views(hashes.begin(), hashes.end());
  auto has = store_->chunks()->Has(views);
  ASSERT_THAT(has.status(), IsOk());
  EXPECT_EQ(*has, (std::vector<bool>{true, false, true, false}));
  auto project = store_->GetProject("cantine");
  ASSERT_THAT(project.status(), IsOk());
  ASSERT_EQ(project->expert().artifacts_size(), 1);
  EXPECT_EQ(project->expert().artifacts(0).manifest_id(), "cantine/attendance@2");
  EXPECT_THAT(store_->DeleteManifest("cantine", "attendance", "1", 0).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ArtifactsTest, ADeletedManifestsChunksWaitForNoGraceUnlessOfferedSince) {
  v1::ArtifactManifest a = Push({"released", "offered-again"}, "1");
  ASSERT_THAT(store_->CommitManifest(a).status(), IsOk());
  // A later push offers one of them again (not committed yet): it keeps its grace.
  Push({"offered-again"});
  // A day's grace: only what deletion released is collected.
  auto deleted = store_->DeleteManifest("cantine", "attendance", "1", 24 * 3600 * 1000);
  ASSERT_THAT(deleted.status(), IsOk());
  EXPECT_EQ(*deleted, 1u);
  const std::string released = Sha256("released"), again = Sha256("offered-again");
  std::vector<std::string_view> views = {released, again};
  auto has = store_->chunks()->Has(views);
  ASSERT_THAT(has.status(), IsOk());
  EXPECT_EQ(*has, (std::vector<bool>{false, true}));
}

TEST_F(ArtifactsTest, DeletingTheProjectDeletesItsManifestsAndReleasesTheirChunks) {
  ASSERT_THAT(store_->PutProject(MakeProject("cantine-bis", "Autre")).status(), IsOk());
  ASSERT_THAT(store_->CommitManifest(Push({"first", "shared"}, "1")).status(), IsOk());
  v1::ArtifactManifest other = Push({"shared", "other"}, "1");
  other.set_project_id("cantine-bis");
  ASSERT_THAT(store_->CommitManifest(other).status(), IsOk());
  const uint64_t generation = store_->manifest_generation();
  ASSERT_THAT(store_->DeleteProject("cantine"), IsOk());
  EXPECT_GT(store_->manifest_generation(), generation);
  auto left = store_->ListManifests("");
  ASSERT_THAT(left.status(), IsOk());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(ArtifactId(left->front().artifact()), "cantine-bis/attendance@1");
  // A day's grace: the deleted project's own chunk goes, the shared one stays.
  auto collected = store_->CollectChunks(24 * 3600 * 1000);
  ASSERT_THAT(collected.status(), IsOk());
  EXPECT_EQ(*collected, 1u);
  const std::string first = Sha256("first"), shared = Sha256("shared");
  std::vector<std::string_view> views = {first, shared};
  auto has = store_->chunks()->Has(views);
  ASSERT_THAT(has.status(), IsOk());
  EXPECT_EQ(*has, (std::vector<bool>{false, true}));
}

TEST_F(ArtifactsTest, QuotaRefusesWithNothingStored) {
  store_.reset();
  Store::Options options;
  options.clock = &clock_;
  options.db.disk_reserve_bytes = 0;
  options.max_artifact_bytes = 1000;
  auto store = Store::Open(dir_.path(), options);
  ASSERT_THAT(store.status(), IsOk());
  const std::string bytes(2000, 'q');
  const std::string hash = Sha256(bytes);
  std::vector<std::pair<std::string_view, std::string_view>> chunks = {{hash, bytes}};
  EXPECT_THAT((*store)->chunks()->Put(chunks, true).status(), StatusIs(absl::StatusCode::kResourceExhausted));
  std::vector<std::string_view> query = {hash};
  auto has = (*store)->chunks()->Has(query);
  ASSERT_THAT(has.status(), IsOk());
  EXPECT_FALSE((*has)[0]);
}

// Writes `bytes` into the chunk store under `hash` as Put would, without
// checking them: a chunk damaged after it was stored.
void WriteRawChunk(Store* store, const std::string& hash, const std::string& bytes) {
  std::string info;
  AppendBigEndian64(&info, bytes.size());
  AppendBigEndian64(&info, 1);
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* family = store->db()->family(Family::kChunks);
  batch.Put(family, ChunkInfoKey(hash), info);
  batch.Put(family, ChunkDataKey(hash), bytes);
  ASSERT_THAT(store->db()->Write(&batch), IsOk());
}

TEST_F(ArtifactsTest, VerifyReportsAndRemovesADamagedChunk) {
  Push({"good one", "good two", std::string(10000, 'g')});
  auto clean = store_->chunks()->Verify("", 1 << 30, 10);
  ASSERT_THAT(clean.status(), IsOk());
  EXPECT_EQ(clean->checked, 3u);
  EXPECT_EQ(clean->bytes, 8u + 8u + 10000u);
  EXPECT_EQ(clean->damaged, 0u);
  EXPECT_TRUE(clean->listed.empty());
  EXPECT_TRUE(clean->next_start_after.empty());

  const std::string wrong_hash = Sha256("what was pushed");
  WriteRawChunk(store_.get(), wrong_hash, "what the disk holds now");
  const uint64_t before = store_->chunks()->stored_bytes();
  auto report = store_->chunks()->Verify("", 1 << 30, 10);
  ASSERT_THAT(report.status(), IsOk());
  EXPECT_EQ(report->checked, 4u);
  EXPECT_EQ(report->damaged, 1u);
  ASSERT_EQ(report->listed.size(), 1u);
  EXPECT_EQ(report->listed[0].first, wrong_hash);
  EXPECT_NE(report->listed[0].second.find("SHA-256"), std::string::npos) << report->listed[0].second;
  const std::string good_hash = Sha256("good one");
  std::vector<std::string_view> query = {wrong_hash, good_hash};
  auto has = store_->chunks()->Has(query);
  ASSERT_THAT(has.status(), IsOk());
  EXPECT_EQ(*has, (std::vector<bool>{false, true}));
  // WriteRawChunk did not count it in; its removal takes its recorded size off.
  EXPECT_EQ(store_->chunks()->stored_bytes(), before - std::min<uint64_t>(before, 23));
  auto again = store_->chunks()->Verify("", 1 << 30, 10);
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->checked, 3u);
  EXPECT_EQ(again->damaged, 0u);
}

TEST_F(ArtifactsTest, VerifyPagesThroughTheStore) {
  std::vector<std::string> pieces;
  for (int i = 0; i < 50; ++i) pieces.push_back(std::string(1000, static_cast<char>('a' + i % 26)) + std::to_string(i));
  Push(pieces);
  uint64_t checked = 0;
  std::string cursor;
  int pages = 0;
  for (; pages < 100; ++pages) {
    auto page = store_->chunks()->Verify(cursor, 5000, 10);  // about 5 chunks a page
    ASSERT_THAT(page.status(), IsOk());
    EXPECT_LE(page->checked, 6u);
    checked += page->checked;
    if (page->next_start_after.empty()) break;
    EXPECT_GT(page->next_start_after, cursor);
    cursor = page->next_start_after;
  }
  EXPECT_EQ(checked, 50u);
  EXPECT_GE(pages, 8);
  EXPECT_THAT(store_->chunks()->Verify("short", 1, 1).status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

// Whether `needle` occurs in a file under `dir`.
bool InFiles(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_F(ArtifactsTest, ADeletedManifestsChunksLeaveTheFiles) {
  const std::string marker = "erase-me-" + RandomBytes(24, 7);
  const std::string big = RandomBytes(30000, 8) + marker + RandomBytes(30000, 9);
  const std::string small = "small-" + marker;  // below the blob size: kept in the SST files
  ASSERT_THAT(store_->CommitManifest(Push({big, small}, "1")).status(), IsOk());
  // Another manifest and its chunks stay.
  const std::string kept = RandomBytes(20000, 10) + "kept-marker-0123456789";
  v1::ArtifactManifest other = Push({kept});
  other.set_name("other");
  ASSERT_THAT(store_->CommitManifest(other).status(), IsOk());
  ASSERT_THAT(store_->chunks()->Sync(), IsOk());
  ASSERT_TRUE(InFiles(dir_.path(), marker));  // the scan finds what is there
  auto deleted = store_->DeleteManifest("cantine", "attendance", "1", 0);
  ASSERT_THAT(deleted.status(), IsOk());
  EXPECT_EQ(*deleted, 2u);
  EXPECT_FALSE(InFiles(dir_.path(), marker));
  EXPECT_TRUE(InFiles(dir_.path(), "kept-marker-0123456789"));
  auto got = store_->chunks()->Get(Sha256(kept));
  ASSERT_THAT(got.status(), IsOk());
  EXPECT_EQ(got->value_or(""), kept);
}

class ManualClock : public Clock {
 public:
  int64_t NowMillis() override { return now.load(); }
  std::atomic<int64_t> now{1'700'000'000'000};
};

TEST(ArtifactsCollectIfDueTest, CollectsOnlyWhenReferencesChangedOrAGraceRanOut) {
  ScopedTempDir dir;
  ManualClock clock;
  Store::Options options;
  options.clock = &clock;
  options.node_id = "nantes";
  options.db.disk_reserve_bytes = 0;
  auto opened = Store::Open(dir.path(), options);
  ASSERT_THAT(opened.status(), IsOk());
  Store& store = **opened;
  ASSERT_THAT(store.PutProject(MakeProject("cantine", "Cantine")).status(), IsOk());
  constexpr int64_t kGrace = 1000;
  // Never collected: due once, then not.
  auto first = store.CollectChunksIfDue(kGrace);
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_EQ(*first, std::optional<uint64_t>(0));
  auto idle = store.CollectChunksIfDue(kGrace);
  ASSERT_THAT(idle.status(), IsOk());
  EXPECT_EQ(*idle, std::nullopt);

  // An upload never committed: not due within its grace, due after it.
  const std::string bytes = "an upload never committed";
  const std::string hash = Sha256(bytes);
  std::vector<std::pair<std::string_view, std::string_view>> chunk = {{hash, bytes}};
  ASSERT_THAT(store.chunks()->Put(chunk, true).status(), IsOk());
  clock.now += kGrace / 2;
  auto early = store.CollectChunksIfDue(kGrace);
  ASSERT_THAT(early.status(), IsOk());
  EXPECT_EQ(*early, std::nullopt);
  clock.now += kGrace;
  auto late = store.CollectChunksIfDue(kGrace);
  ASSERT_THAT(late.status(), IsOk());
  EXPECT_EQ(*late, std::optional<uint64_t>(1));
  auto after = store.CollectChunksIfDue(kGrace);
  ASSERT_THAT(after.status(), IsOk());
  EXPECT_EQ(*after, std::nullopt);

  // A manifest committed, then deleted: each makes a collection due.
  const std::string content = "model bytes";
  const std::string content_hash = Sha256(content);
  std::vector<std::pair<std::string_view, std::string_view>> model = {{content_hash, content}};
  ASSERT_THAT(store.chunks()->Put(model, true).status(), IsOk());
  v1::ArtifactManifest m;
  m.set_project_id("cantine");
  m.set_name("attendance");
  m.set_kind(v1::ARTIFACT_KIND_MODEL);
  m.set_format(v1::ARTIFACT_FORMAT_ONNX);
  m.set_licence("MIT");
  m.set_size_bytes(content.size());
  m.set_chunk_count(1);
  m.set_sha256(content_hash);
  v1::ChunkRef* ref = m.add_chunks();
  ref->set_sha256(content_hash);
  ref->set_size(content.size());
  const uint64_t generation = store.manifest_generation();
  ASSERT_THAT(store.CommitManifest(m).status(), IsOk());
  EXPECT_GT(store.manifest_generation(), generation);
  clock.now += 10 * kGrace;  // the chunk is referenced: nothing to collect, however old
  auto referenced = store.CollectChunksIfDue(kGrace);
  ASSERT_THAT(referenced.status(), IsOk());
  EXPECT_EQ(*referenced, std::optional<uint64_t>(0));
  auto quiet = store.CollectChunksIfDue(kGrace);
  ASSERT_THAT(quiet.status(), IsOk());
  EXPECT_EQ(*quiet, std::nullopt);
}

}  // namespace
}  // namespace bibia::catalog
