// Records as references into the log (catalog/records.h): reads follow the
// reference, a redaction moves it, and a schema-2 store (values with their
// provenance in the records family) is migrated when opened.
#include "catalog/records.h"

#include <memory>
#include <string>

#include "bibia/v1/storage.pb.h"
#include "catalog/store.h"
#include "catalog/keys.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;
using ::testing::HasSubstr;

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    Store::Options options;
    options.node_id = "node-a";
    options.clock = &clock_;
    auto store = Store::Open(dir_.path(), options);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
  }

  // The records family's value under `key`, raw.
  std::string RawRecord(const std::string& key) {
    auto value = store_->db()->Get(Family::kRecords, key);
    EXPECT_THAT(value, IsOk());
    return value.ok() && value->has_value() ? **value : "";
  }

  void RawPut(Family family, const std::string& key, const std::string& value) {
    rocksdb::WriteBatch batch;
    batch.Put(store_->db()->family(family), key, value);
    ASSERT_THAT(store_->db()->Write(&batch), IsOk());
  }

  void RawDelete(Family family, const std::string& key) {
    rocksdb::WriteBatch batch;
    batch.Delete(store_->db()->family(family), key);
    ASSERT_THAT(store_->db()->Write(&batch), IsOk());
  }

  FakeClock clock_;
  ScopedTempDir dir_;
  std::unique_ptr<Store> store_;
};

v1::Project WithContact(v1::Project p, const std::string& email) {
  p.mutable_restricted()->add_contacts()->set_email(email);
  return p;
}

TEST_F(RecordsTest, RecordsHoldReferencesAndReadsFollowThem) {
  ASSERT_THAT(store_->PutProject(WithContact(MakeProject("p1", "Fuites"), "a@example.org")), IsOk());
  ASSERT_THAT(store_->PutProject(WithContact(MakeProject("p1", "Fuites du réseau"), "b@example.org")), IsOk());
  // Second put: public seq 2, restricted seq 2.
  EXPECT_EQ(RawRecord(RecordKey(RecordKind::kPublic, "p1")), RecordRef("node-a", v1::TIER_PUBLIC, 2));
  EXPECT_EQ(RawRecord(RecordKey(RecordKind::kRestricted, "p1")), RecordRef("node-a", v1::TIER_RESTRICTED, 2));

  auto record = ReadRecord(*store_->db(), RecordKey(RecordKind::kPublic, "p1"));
  ASSERT_THAT(record, IsOk());
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->public_().title_fr(), "Fuites du réseau");
  EXPECT_EQ((*record)->origin(), "node-a");
  EXPECT_EQ((*record)->seq(), 2u);

  auto missing = ReadRecord(*store_->db(), RecordKey(RecordKind::kPublic, "nope"));
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());

  const std::string ref = RecordRef("node-b", v1::TIER_EXPERT, 7);
  auto origin = RefOrigin(ref, "k");  // a view into ref
  ASSERT_THAT(origin, IsOk());
  EXPECT_EQ(*origin, "node-b");
  EXPECT_THAT(RefOrigin("garbage", "Pk").status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("'Pk'")));
}

TEST_F(RecordsTest, RedactionMovesTheReferenceToItsOwnEntry) {
  ASSERT_THAT(store_->PutProject(WithContact(MakeProject("p1", "Fuites"), "old@example.org")), IsOk());
  ASSERT_THAT(store_->PutProject(WithContact(MakeProject("p1", "Fuites"), "new@example.org")), IsOk());
  ASSERT_THAT(store_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  const std::string key = RecordKey(RecordKind::kRestricted, "p1");
  EXPECT_EQ(RawRecord(key), RecordRef("node-a", v1::TIER_RESTRICTED, 3));
  auto project = store_->GetProject("p1");
  ASSERT_THAT(project, IsOk());
  ASSERT_EQ(project->restricted().contacts_size(), 1);
  EXPECT_EQ(project->restricted().contacts(0).email(), "new@example.org");
}

TEST_F(RecordsTest, RedactingWhatIsNotThereSaysWhichIsMissing) {
  EXPECT_THAT(store_->RedactHistory("nope", v1::TIER_RESTRICTED),
              StatusIs(absl::StatusCode::kNotFound, "project 'nope': not found"));
  EXPECT_THAT(store_->RedactHistory("nope", v1::TIER_PUBLIC),
              StatusIs(absl::StatusCode::kNotFound, "project 'nope': not found"));
  ASSERT_THAT(store_->PutProject(MakeProject("p1", "Fuites")), IsOk());  // no expert facet
  EXPECT_THAT(store_->RedactHistory("p1", v1::TIER_EXPERT),
              StatusIs(absl::StatusCode::kNotFound, "project 'p1' has no expert facet"));
}

TEST_F(RecordsTest, AReferenceToAnErasedPayloadIsDataLoss) {
  ASSERT_THAT(store_->PutProject(WithContact(MakeProject("p1", "Fuites"), "old@example.org")), IsOk());
  ASSERT_THAT(store_->PutProject(WithContact(MakeProject("p1", "Fuites"), "new@example.org")), IsOk());
  ASSERT_THAT(store_->RedactHistory("p1", v1::TIER_RESTRICTED), IsOk());
  // Point the record back at the erased entry, as a corrupted store would.
  const std::string key = RecordKey(RecordKind::kRestricted, "p1");
  RawPut(Family::kRecords, key, RecordRef("node-a", v1::TIER_RESTRICTED, 1));
  EXPECT_THAT(ReadRecord(*store_->db(), key).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("names an entry that holds no value")));
  RawPut(Family::kRecords, key, "not a reference");
  EXPECT_THAT(store_->GetProject("p1").status(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a log key")));
}

TEST_F(RecordsTest, SchemaVersionTwoIsMigratedOnOpen) {
  ASSERT_THAT(store_->PutProject(WithContact(MakeProject("p1", "Fuites"), "a@example.org")), IsOk());
  ASSERT_THAT(store_->PutProject(MakeProject("p2", "Cantines")), IsOk());
  v1::Feedback feedback;
  feedback.set_project_id("p1");
  feedback.set_kind(v1::FEEDBACK_KIND_LESSON);
  feedback.set_text("Associer les agents de terrain.");
  ASSERT_THAT(store_->AddFeedback(feedback), IsOk());
  ASSERT_THAT(store_->RevokeToken("t1"), IsOk());
  auto before = store_->GetProject("p1");
  ASSERT_THAT(before, IsOk());

  // Rewrite every record as version 2 stored it: the value and its
  // provenance; version 2 had no feedback fingerprint rows.
  std::vector<std::string> keys;
  std::vector<std::string> fingerprints;
  {
    std::unique_ptr<rocksdb::Iterator> it = store_->db()->NewIterator(Family::kRecords);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const bool fingerprint = it->key()[0] == static_cast<char>(RecordKind::kFeedbackFingerprint);
      (fingerprint ? fingerprints : keys).push_back(it->key().ToString());
    }
  }
  ASSERT_EQ(keys.size(), 5u);  // p1 public and restricted, p2 public, the feedback, the revocation
  ASSERT_EQ(fingerprints.size(), 1u);  // the feedback's
  for (const std::string& key : fingerprints) RawDelete(Family::kRecords, key);
  RawDelete(Family::kMeta, std::string(kMetaFeedbackFingerprints));
  for (const std::string& key : keys) {
    auto record = ReadRecord(*store_->db(), key);
    ASSERT_THAT(record, IsOk());
    ASSERT_TRUE(record->has_value());
    RawPut(Family::kRecords, key, (*record)->SerializeAsString());
  }
  RawPut(Family::kIndex, "ip1", std::string("\0\0\0\0", 4));  // an index row by id, as schema 2 wrote them
  RawPut(Family::kMeta, std::string(kMetaSchemaVersion), "2");
  ASSERT_NO_FATAL_FAILURE(Open());

  auto old_row = store_->db()->Get(Family::kIndex, "ip1");
  ASSERT_THAT(old_row, IsOk());
  EXPECT_FALSE(old_row->has_value()) << "schema 2's index rows by id are dropped";

  auto version = store_->db()->Get(Family::kMeta, kMetaSchemaVersion);
  ASSERT_THAT(version, IsOk());
  EXPECT_EQ(**version, std::to_string(kSchemaVersion));
  EXPECT_EQ(RawRecord(RecordKey(RecordKind::kRestricted, "p1")), RecordRef("node-a", v1::TIER_RESTRICTED, 1));
  auto after = store_->GetProject("p1");
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->SerializeAsString(), before->SerializeAsString());
  auto listed = store_->ListFeedback("p1");
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].text(), "Associer les agents de terrain.");
  // Its fingerprint row is back: importing it again adds nothing.
  EXPECT_EQ(RawRecord(fingerprints[0]), (*listed)[0].id());
  auto reimported = store_->Import({}, {feedback});
  ASSERT_THAT(reimported, IsOk());
  EXPECT_EQ(reimported->feedback(), 0);
  auto revoked = store_->IsRevoked("node-a", "t1");
  ASSERT_THAT(revoked, IsOk());
  EXPECT_TRUE(*revoked);
  // And the store goes on as a version-3 store.
  ASSERT_THAT(store_->PutProject(MakeProject("p2", "Cantines scolaires")), IsOk());
  auto p2 = store_->GetProject("p2");
  ASSERT_THAT(p2, IsOk());
  EXPECT_EQ(p2->public_().title_fr(), "Cantines scolaires");
}

TEST(SchemaVersionTest, OtherVersionsAreRefused) {
  for (const char* version : {"1", "4"}) {
    ScopedTempDir dir;
    Store::Options options;
    options.node_id = "node-a";
    {
      auto store = Store::Open(dir.path(), options);
      ASSERT_THAT(store, IsOk());
      rocksdb::WriteBatch batch;
      batch.Put((*store)->db()->family(Family::kMeta), std::string(kMetaSchemaVersion), version);
      ASSERT_THAT((*store)->db()->Write(&batch), IsOk());
    }
    EXPECT_THAT(Store::Open(dir.path(), options).status(),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("schema version '" + std::string(version))))
        << version;
  }
}

}  // namespace
}  // namespace bibia::catalog
