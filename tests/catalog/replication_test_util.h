// Helpers shared by the tests of receiving entries from peers in process
// (catalog's Replica and ReplicaReceiver, node's RunApplier): stand-in
// signatures and stores, an origin that signs its log and an empty replica,
// and a second origin.
#ifndef BIBIA_TESTS_CATALOG_REPLICATION_TEST_UTIL_H_
#define BIBIA_TESTS_CATALOG_REPLICATION_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "catalog/store.h"
#include "catalog/remote_run.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {

inline constexpr char kOrigin[] = "origin-a";

// Stands for Ed25519: a signature is the signer's name and the message, so
// that a test can tell whose it is and what it covers.
class NameSigner : public Signer {
 public:
  explicit NameSigner(std::string name) : name_(std::move(name)) {}
  std::string Sign(std::string_view message) const override { return name_ + ":" + std::string(message); }

 private:
  std::string name_;
};

class NameVerifier : public SignatureVerifier {
 public:
  bool Verify(std::string_view origin, std::string_view message, std::string_view signature) const override {
    return signature == std::string(origin) + ":" + std::string(message);
  }
};

class OriginAndReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Store::Options a;
    a.node_id = kOrigin;
    a.clock = &clock_;
    a.signer = &signer_;
    auto origin = Store::Open(dir_a_.path(), a);
    ASSERT_THAT(origin.status(), ::bibia::testing::IsOk());
    origin_ = std::move(*origin);
    OpenReplica();
  }

  // Opens the replica's store, closing it first if it is open.
  void OpenReplica() {
    replica_.reset();
    Store::Options b;
    b.node_id = "replica-b";
    b.clock = &clock_;
    auto replica = Store::Open(dir_b_.path(), b);
    ASSERT_THAT(replica.status(), ::bibia::testing::IsOk());
    replica_ = std::move(*replica);
  }

  // Imports `ids` on the origin in one batch: one run per tier, signed at its end.
  void ImportOnOrigin(const std::vector<std::string>& ids) {
    std::vector<v1::Project> projects;
    for (const std::string& id : ids) projects.push_back(MakeProject(id, "Cantine " + id, "Prévision des repas"));
    ASSERT_THAT(origin_->Import(projects, {}).status(), ::bibia::testing::IsOk());
  }

  // The origin's public entries after `after_seq`, up to the first signed one.
  std::vector<v1::LogEntry> PublicRun(uint64_t after_seq) {
    auto entries = origin_->ReadLog(kOrigin, v1::TIER_PUBLIC, after_seq, 1);
    EXPECT_THAT(entries.status(), ::bibia::testing::IsOk());
    return entries.ok() ? *entries : std::vector<v1::LogEntry>();
  }

  VerifiedRun Verified(std::vector<v1::LogEntry> entries) {
    auto run = replica_->VerifyRemote(std::move(entries), verifier_);
    EXPECT_THAT(run.status(), ::bibia::testing::IsOk());
    return run.ok() ? std::move(*run) : VerifiedRun();
  }

  uint64_t ReplicaPublicSeq() {
    auto frontier = replica_->Frontier();
    EXPECT_THAT(frontier.status(), ::bibia::testing::IsOk());
    for (const auto& f : *frontier) {
      if (f.origin() == kOrigin && f.tier() == v1::TIER_PUBLIC) return f.seq();
    }
    return 0;
  }

  FakeClock clock_;
  NameSigner signer_{kOrigin};
  NameVerifier verifier_;
  ScopedTempDir dir_a_, dir_b_;
  std::unique_ptr<Store> origin_, replica_;
};

// A second member, "origin-x", with a store and a signer of its own.
class TwoOriginsTest : public OriginAndReplicaTest {
 protected:
  void SetUp() override {
    OriginAndReplicaTest::SetUp();
    Store::Options x;
    x.node_id = "origin-x";
    x.clock = &clock_;
    x.signer = &signer_x_;
    auto other = Store::Open(dir_x_.path(), x);
    ASSERT_THAT(other.status(), ::bibia::testing::IsOk());
    other_ = std::move(*other);
  }

  static v1::Project WithContact(v1::Project project, const std::string& email) {
    v1::Contact* contact = project.mutable_restricted()->add_contacts();
    contact->set_role("DSI");
    contact->set_email(email);
    contact->set_expires("2030-12-31");
    return project;
  }

  // `store` shows project p1 with one contact, `email` (and the title
  // `title`, if given).
  static void ExpectP1Contact(Store* store, const std::string& email, const std::string& title = "") {
    auto got = store->GetProject("p1");
    ASSERT_THAT(got.status(), ::bibia::testing::IsOk());
    if (!title.empty()) {
      EXPECT_EQ(got->public_().title_fr(), title);
    }
    ASSERT_EQ(got->restricted().contacts_size(), 1);
    EXPECT_EQ(got->restricted().contacts(0).email(), email);
  }

  std::vector<v1::LogEntry> LogOf(Store* store, v1::Tier tier) {
    auto entries = store->ReadLog(store->node_id(), tier, 0, 1000);
    EXPECT_THAT(entries.status(), ::bibia::testing::IsOk());
    return entries.ok() ? *entries : std::vector<v1::LogEntry>();
  }

  // A third node's store, empty, in `dir`.
  std::unique_ptr<Store> OpenThirdNode(const ScopedTempDir& dir) {
    Store::Options options;
    options.node_id = "replica-c";
    options.clock = &clock_;
    auto store = Store::Open(dir.path(), options);
    EXPECT_THAT(store.status(), ::bibia::testing::IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }

  ScopedTempDir dir_x_;
  NameSigner signer_x_{"origin-x"};
  std::unique_ptr<Store> other_;
};

// The ids of the projects `store` finds for `query`.
inline std::vector<std::string> Finds(Store* store, const std::string& query) {
  v1::SearchRequest request;
  request.set_query(query);
  auto got = store->Search(request);
  EXPECT_THAT(got.status(), ::bibia::testing::IsOk());
  std::vector<std::string> ids;
  if (got.ok()) {
    for (const auto& hit : got->hits()) ids.push_back(hit.project().id());
  }
  return ids;
}

}  // namespace bibia::catalog

#endif  // BIBIA_TESTS_CATALOG_REPLICATION_TEST_UTIL_H_
