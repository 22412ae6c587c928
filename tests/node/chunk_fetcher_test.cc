// Pull-through's fetcher against fake nodes: the origin is asked first, the
// next node only for what is still missing, bytes that do not match their
// hash are refused, and what no node holds is reported, never invented.
#include "node/chunk_fetcher.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "catalog/log_writer.h"
#include "catalog/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::node {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A node that holds `chunks` (hash -> bytes as it serves them) and records
// what it was asked; `fails` (if not OK) ends every stream after serving.
struct FakeNode {
  FakeNode(std::string node_id, std::map<std::string, std::string> held, absl::Status failure = absl::OkStatus())
      : id(std::move(node_id)), chunks(std::move(held)), fails(std::move(failure)) {}

  std::string id;
  std::map<std::string, std::string> chunks;
  absl::Status fails;
  std::vector<std::vector<std::string>> asked;

  ChunkFetcher::Source AsSource() {
    return {id, [this](const std::vector<std::string>& hashes, absl::Time, const ChunkFetcher::Sink& sink) {
              asked.push_back(hashes);
              v1::DownloadChunksResponse message;
              for (const std::string& h : hashes) {
                auto it = chunks.find(h);
                if (it == chunks.end()) continue;
                v1::ChunkData* data = message.add_chunks();
                data->set_sha256(h);
                data->set_data(it->second);
              }
              if (message.chunks_size() > 0) {
                if (absl::Status s = sink(message); !s.ok()) return s;
              }
              return fails;
            }};
  }
};

class ChunkFetcherTest : public ::testing::Test {
 protected:
  void Open(uint64_t max_artifact_bytes = 0) {
    catalog::Store::Options options;
    options.node_id = "lyon";
    options.db.disk_reserve_bytes = 0;
    options.max_artifact_bytes = max_artifact_bytes;
    auto store = catalog::Store::Open(dir_.path(), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void SetUp() override { Open(); }

  // A fetcher whose sources for any origin are `nodes`, in order.
  ChunkFetcher FetcherOver(std::vector<FakeNode*> nodes) {
    return ChunkFetcher(store_->chunks(), [nodes](const std::string&) {
      std::vector<ChunkFetcher::Source> sources;
      for (FakeNode* n : nodes) sources.push_back(n->AsSource());
      return sources;
    });
  }
  std::string Stored(const std::string& hash) {
    auto got = store_->chunks()->Get(hash);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() && got->has_value() ? **got : "(absent)";
  }

  const absl::Time deadline_ = absl::InfiniteFuture();
  const std::string a_ = "chunk a", b_ = "chunk b", c_ = "chunk c";
  const std::string ha_ = catalog::Sha256(a_), hb_ = catalog::Sha256(b_), hc_ = catalog::Sha256(c_);
  catalog::ScopedTempDir dir_;
  std::unique_ptr<catalog::Store> store_;
};

TEST_F(ChunkFetcherTest, AsksTheOriginFirstAndTheNextNodeOnlyForTheRest) {
  FakeNode origin{"nantes", {{ha_, a_}, {hb_, b_}}};
  FakeNode peer{"rennes", {{ha_, a_}, {hc_, c_}}};
  auto outcome = FetcherOver({&origin, &peer}).Fetch("nantes", {ha_, hb_, hc_}, deadline_);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->fetched, 3u);
  EXPECT_EQ(outcome->bytes, a_.size() + b_.size() + c_.size());
  EXPECT_THAT(outcome->missing, IsEmpty());
  EXPECT_THAT(origin.asked, ElementsAre(ElementsAre(ha_, hb_, hc_)));
  EXPECT_THAT(peer.asked, ElementsAre(ElementsAre(hc_)));
  EXPECT_EQ(Stored(ha_), a_);
  EXPECT_EQ(Stored(hb_), b_);
  EXPECT_EQ(Stored(hc_), c_);
}

TEST_F(ChunkFetcherTest, BytesThatDoNotMatchTheirHashAreRefusedAndAskedOfAnotherNode) {
  FakeNode origin{"nantes", {{ha_, "damaged " + a_}, {hb_, b_}}};
  FakeNode peer{"rennes", {{ha_, a_}}};
  auto outcome = FetcherOver({&origin, &peer}).Fetch("nantes", {ha_, hb_}, deadline_);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->refused, 1u);
  EXPECT_THAT(outcome->missing, IsEmpty());
  EXPECT_THAT(outcome->failures, HasSubstr("nantes: 1 chunk(s) did not match their hash"));
  EXPECT_THAT(peer.asked, ElementsAre(ElementsAre(ha_)));
  EXPECT_EQ(Stored(ha_), a_);
  EXPECT_EQ(Stored(hb_), b_);
}

TEST_F(ChunkFetcherTest, WhatNoNodeGivesIsReportedMissingAndNothingElseIsStored) {
  FakeNode origin{"nantes", {{ha_, a_}}, absl::UnavailableError("connection refused")};
  FakeNode peer{"rennes", {{hc_, "not c"}}};
  // A node that sends a chunk nobody asked for: not stored.
  const std::string extra = "unasked";
  peer.chunks[catalog::Sha256(extra)] = extra;
  auto outcome = FetcherOver({&origin, &peer}).Fetch("nantes", {ha_, hb_, hc_}, deadline_);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_THAT(outcome->missing, ElementsAre(hb_, hc_));
  EXPECT_THAT(outcome->failures, HasSubstr("nantes: UNAVAILABLE: connection refused"));
  EXPECT_THAT(outcome->failures, HasSubstr("rennes"));
  EXPECT_EQ(Stored(ha_), a_);  // what the failing node gave before failing is kept
  EXPECT_EQ(Stored(hb_), "(absent)");
  EXPECT_EQ(Stored(hc_), "(absent)");
  EXPECT_EQ(Stored(catalog::Sha256(extra)), "(absent)");
}

TEST_F(ChunkFetcherTest, NoSourceLeavesEverythingMissing) {
  auto outcome = FetcherOver({}).Fetch("nantes", {ha_, ha_}, deadline_);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_THAT(outcome->missing, ElementsAre(ha_));
  EXPECT_EQ(outcome->fetched, 0u);
}

TEST_F(ChunkFetcherTest, PastTheQuotaTheFetchFailsAndTheNextNodeIsNotAsked) {
  store_.reset();
  Open(/*max_artifact_bytes=*/4);
  FakeNode origin{"nantes", {{ha_, a_}}};
  FakeNode peer{"rennes", {{ha_, a_}}};
  auto outcome = FetcherOver({&origin, &peer}).Fetch("nantes", {ha_}, deadline_);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kResourceExhausted) << outcome.status();
  EXPECT_THAT(peer.asked, IsEmpty());
  EXPECT_EQ(Stored(ha_), "(absent)");
}

}  // namespace
}  // namespace bibia::node
