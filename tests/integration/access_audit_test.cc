// The audit log as an admin reads it (Admin.ListAudit): writes, restricted
// reads and refusals are recorded with subject, method, record ids and
// outcome, newest first; public reads are not. And the anonymous rate limit:
// anonymous callers beyond the rate get RESOURCE_EXHAUSTED, token holders are
// not limited.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/access_test_util.h"
#include "tests/integration/subprocess.h"

namespace bibia::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

constexpr char kNodeId[] = "audit-node";

class AccessAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_.path() + "/node", Flags(), kNodeId);
    ASSERT_TRUE(node_->Start()) << node_->log();
    stubs_ = std::make_unique<Stubs>(TlsChannel(node_->address(), ReadTextFile(node_->certificate_file())));
    admin_ = Bearer(node_->IssueToken("expert", "admin"));
    editor_ = Bearer(node_->IssueToken("expert", "editor"));
    restricted_ = Bearer(node_->IssueToken("restricted", "reader"));
    public_ = Bearer(node_->IssueToken("public", "reader"));
    ASSERT_TRUE(admin_ && editor_ && restricted_ && public_);
  }

  virtual std::vector<std::string> Flags() const { return {"--anonymous-rate", "0"}; }

  grpc::Status Put(const std::optional<std::string>& bearer, const std::string& id) {
    v1::PutProjectRequest request;
    *request.mutable_project() = ThreeFacetProject(id);
    v1::PutProjectResponse response;
    return stubs_->contribute->PutProject(Context(bearer).get(), request, &response);
  }

  grpc::Status Get(const std::optional<std::string>& bearer, const std::string& id) {
    v1::GetProjectRequest request;
    request.set_id(id);
    v1::GetProjectResponse response;
    return stubs_->catalog->GetProject(Context(bearer).get(), request, &response);
  }

  std::vector<v1::AuditEvent> Audit(const std::string& subject = "", const std::string& method = "") {
    v1::ListAuditRequest request;
    request.set_subject(subject);
    request.set_method(method);
    request.set_limit(1000);
    v1::ListAuditResponse response;
    grpc::Status s = stubs_->admin->ListAudit(Context(admin_).get(), request, &response);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return {response.events().begin(), response.events().end()};
  }

  static int Find(const std::vector<v1::AuditEvent>& events, const std::string& subject, const std::string& method,
                  const std::string& outcome) {
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].subject() == subject && events[i].method() == method && events[i].outcome() == outcome) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  static std::string Dump(const std::vector<v1::AuditEvent>& events) {
    std::string out;
    for (const auto& e : events) out += e.ShortDebugString() + "\n";
    return out;
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Stubs> stubs_;
  std::optional<std::string> admin_, editor_, restricted_, public_;
};

TEST_F(AccessAuditTest, RecordsWritesRestrictedReadsAndRefusalsNewestFirst) {
  const int64_t start = NowUnixMillis();
  grpc::Status s = Put(editor_, "audit-put");
  ASSERT_TRUE(s.ok()) << Describe(s);
  s = Get(restricted_, "audit-put");
  ASSERT_TRUE(s.ok()) << Describe(s);
  s = Put(restricted_, "audit-denied");
  ASSERT_EQ(CodeName(s.error_code()), "PERMISSION_DENIED") << Describe(s);

  const std::vector<v1::AuditEvent> events = Audit();
  const std::string editor = "expert-editor@audit-node", reader = "restricted-reader@audit-node";
  const int put = Find(events, editor, "PutProject", "OK");
  const int get = Find(events, reader, "GetProject", "OK");
  const int denied = Find(events, reader, "PutProject", "PERMISSION_DENIED");
  ASSERT_GE(put, 0) << Dump(events);
  ASSERT_GE(get, 0) << Dump(events);
  ASSERT_GE(denied, 0) << Dump(events);
  EXPECT_LT(denied, get) << "newest first\n" << Dump(events);
  EXPECT_LT(get, put) << "newest first\n" << Dump(events);

  EXPECT_THAT(events[put].record_ids(), ElementsAre("audit-put"));
  EXPECT_EQ(events[put].issuer(), kNodeId);
  EXPECT_EQ(v1::Tier_Name(events[put].tier()), "TIER_EXPERT");
  EXPECT_THAT(events[get].record_ids(), ElementsAre("audit-put"));
  EXPECT_EQ(v1::Tier_Name(events[get].tier()), "TIER_RESTRICTED");
  EXPECT_THAT(events[denied].record_ids(), ElementsAre("audit-denied"));
  for (int i : {put, get, denied}) {
    EXPECT_GE(events[i].time_unix_ms(), start - 1000);
    EXPECT_LE(events[i].time_unix_ms(), NowUnixMillis() + 1000);
    EXPECT_THAT(events[i].peer(), ::testing::HasSubstr("127.0.0.1"));
  }
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GE(events[i - 1].time_unix_ms(), events[i].time_unix_ms()) << "newest first\n" << Dump(events);
  }

  // Filters: by subject, by method.
  const auto by_reader = Audit(reader);
  ASSERT_EQ(by_reader.size(), 2u) << Dump(by_reader);
  EXPECT_EQ(by_reader[0].method(), "PutProject");
  EXPECT_EQ(by_reader[1].method(), "GetProject");
  const auto puts = Audit("", "PutProject");
  ASSERT_EQ(puts.size(), 2u) << Dump(puts);
  EXPECT_EQ(puts[0].outcome(), "PERMISSION_DENIED");
  EXPECT_EQ(puts[1].outcome(), "OK");
}

TEST_F(AccessAuditTest, AnonymousRefusalIsAuditedAsAnonymous) {
  grpc::Status s = Put(std::nullopt, "audit-anonymous");
  ASSERT_EQ(CodeName(s.error_code()), "UNAUTHENTICATED") << Describe(s);
  const auto events = Audit("anonymous", "PutProject");
  ASSERT_EQ(events.size(), 1u) << Dump(Audit());
  EXPECT_EQ(events[0].outcome(), "UNAUTHENTICATED");
  EXPECT_THAT(events[0].record_ids(), ElementsAre("audit-anonymous"));
}

TEST_F(AccessAuditTest, PublicReadsAreNotAudited) {
  grpc::Status s = Put(editor_, "audit-public");
  ASSERT_TRUE(s.ok()) << Describe(s);
  const size_t before = Audit().size();
  for (const auto& bearer : {std::optional<std::string>(), public_}) {
    ASSERT_TRUE(Get(bearer, "audit-public").ok());
    v1::SearchRequest search;
    search.set_query("fuites");
    v1::SearchResponse found;
    ASSERT_TRUE(stubs_->catalog->Search(Context(bearer).get(), search, &found).ok());
    EXPECT_EQ(found.total_matches(), 1);
    v1::ListProjectsResponse listed;
    ASSERT_TRUE(stubs_->catalog->ListProjects(Context(bearer).get(), {}, &listed).ok());
    v1::StatsResponse stats;
    ASSERT_TRUE(stubs_->catalog->Stats(Context(bearer).get(), {}, &stats).ok());
  }
  const auto events = Audit();
  // Only the ListAudit call made by Audit() itself may have been added.
  ASSERT_LE(events.size(), before + 1) << Dump(events);
  for (const auto& e : events) {
    EXPECT_NE(e.subject(), "anonymous") << e.ShortDebugString();
    EXPECT_NE(e.subject(), "public-reader@audit-node") << e.ShortDebugString();
    EXPECT_TRUE(e.method() != "Search" && e.method() != "ListProjects" && e.method() != "Stats")
        << e.ShortDebugString();
  }
}

// Sum of the sizes of the files under `dir` (not their allocated blocks:
// RocksDB preallocates its write-ahead log).
uint64_t FilesBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

// The attack of the issue: refused anonymous writes with huge ids, as fast as
// one client can send them. Each costs the audit one event per address,
// method and minute (plus the sum of the rest), ids are cut at 200 bytes, and
// the node's log gets a line of bounded size per call.
TEST_F(AccessAuditTest, AnAnonymousFloodOfHugeIdsCostsTheStoreAndTheLogLittle) {
  constexpr int kCalls = 300;
  const std::string huge_id(1 << 20, 'x');
  const std::string db = node_->data_dir() + "/db";
  const uint64_t store_before = FilesBytes(db);
  const size_t log_before = node_->log().size();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  int refused = 0;
  for (int i = 0; i < kCalls && std::chrono::steady_clock::now() < deadline; ++i) {
    grpc::Status s = Put(std::nullopt, huge_id);
    ASSERT_EQ(CodeName(s.error_code()), "UNAUTHENTICATED") << Describe(s).substr(0, 300);
    ASSERT_LE(s.error_message().size(), 1100u);
    ++refused;
  }
  ASSERT_EQ(refused, kCalls) << "the flood did not finish within 120 s";
  const uint64_t store_growth = FilesBytes(db) - store_before;
  const size_t log_growth = node_->log().size() - log_before;
  std::printf("anonymous flood: %d refused puts of 1 MiB ids: store +%llu bytes, log +%zu bytes\n", kCalls,
              static_cast<unsigned long long>(store_growth), log_growth);
  EXPECT_LT(store_growth, uint64_t{1} << 20) << "1 MiB for 300 MiB of ids";
  EXPECT_LT(log_growth, size_t{kCalls} * 4096);

  // The sums still being counted are audited at shutdown.
  ASSERT_EQ(node_->Stop(), 0) << node_->log();
  ASSERT_TRUE(node_->Start()) << node_->log();
  stubs_ = std::make_unique<Stubs>(TlsChannel(node_->address(), ReadTextFile(node_->certificate_file())));
  const auto events = Audit("anonymous", "PutProject");
  ASSERT_GE(events.size(), 2u) << Dump(events);
  ASSERT_LE(events.size(), 6u) << "one event and one sum per minute\n" << Dump(events);
  int calls = 0;
  for (const auto& e : events) {
    EXPECT_EQ(e.outcome(), "UNAUTHENTICATED");
    calls += e.count() == 0 ? 1 : static_cast<int>(e.count());
    for (const auto& id : e.record_ids()) EXPECT_LE(id.size(), 230u) << "ids are cut at 200 bytes";
  }
  EXPECT_EQ(calls, kCalls) << Dump(events);
}

class AccessRateLimitTest : public AccessAuditTest {
 protected:
  std::vector<std::string> Flags() const override {
    return {"--anonymous-rate", "5", "--anonymous-burst", "5"};
  }

  // Outcomes of `n` quick Stats calls as `bearer`.
  std::pair<int, int> StatsBurst(const std::optional<std::string>& bearer, int n) {
    int ok = 0, exhausted = 0;
    for (int i = 0; i < n; ++i) {
      v1::StatsResponse stats;
      grpc::Status s = stubs_->catalog->Stats(Context(bearer, 5).get(), {}, &stats);
      if (s.ok()) {
        ok++;
      } else {
        EXPECT_EQ(CodeName(s.error_code()), "RESOURCE_EXHAUSTED") << Describe(s);
        exhausted += s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
      }
    }
    return {ok, exhausted};
  }
};

TEST_F(AccessRateLimitTest, AnonymousCallersAreLimitedTokenHoldersAreNot) {
  const auto begin = std::chrono::steady_clock::now();
  const auto anonymous = StatsBurst(std::nullopt, 20);
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_GE(anonymous.first, 5) << "the burst is allowed";
  EXPECT_GE(anonymous.second, 1) << "20 calls in " << elapsed_s << " s exceed 5/s with a burst of 5";
  // At most the burst plus what the rate refilled meanwhile.
  EXPECT_LE(anonymous.first, 5 + static_cast<int>(elapsed_s * 5) + 1) << elapsed_s << " s";

  // Same address, with a token: never limited, even right after.
  const auto reader = StatsBurst(public_, 30);
  EXPECT_EQ(reader.first, 30);
  EXPECT_EQ(reader.second, 0);

  // The bucket refills: an anonymous call succeeds again within a bounded wait.
  bool refilled = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!refilled && std::chrono::steady_clock::now() < deadline) {
    v1::StatsResponse stats;
    refilled = stubs_->catalog->Stats(Context(std::nullopt, 5).get(), {}, &stats).ok();
    if (!refilled) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(refilled);
}

}  // namespace
}  // namespace bibia::testing
