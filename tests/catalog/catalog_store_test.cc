#include "catalog/store.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/project.pb.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/keys.h"
#include "catalog/log_writer.h"
#include "catalog/posting_list.h"
#include "catalog/records.h"
#include "catalog/validate.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

// The unknown fields of `message`, to add some as a client of a newer
// schema would send them.
google::protobuf::UnknownFieldSet* UnknownFieldsOf(google::protobuf::Message* message) {
  return message->GetReflection()->MutableUnknownFields(message);
}


using ::bibia::testing::IsOk;
using ::bibia::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// A project with every facet and many fields set.
v1::Project FullProject(const std::string& id) {
  v1::Project p = MakeProject(id, "Détection de fuites d’eau", "Analyse des débits nocturnes du réseau.");
  v1::ProjectPublic* pub = p.mutable_public_();
  pub->set_title_en("Water leak detection");
  pub->set_summary_en("Night-flow analysis of the network.");
  pub->mutable_collectivity()->set_siren("244400404");
  pub->set_start_year(2021);
  pub->add_techniques("séries temporelles");
  pub->add_techniques("détection d'anomalies");
  pub->add_data_sources("télérelève");
  pub->add_tags("eau potable");
  pub->add_links("https://example.org/fuites");
  pub->set_next_review_date("2026-01-31");
  pub->add_based_on("autre-projet");
  pub->mutable_transparency()->set_purpose_and_benefit("Réduire les pertes");
  pub->mutable_transparency()->set_human_in_the_loop(true);
  pub->mutable_transparency()->set_risk_class(v1::RISK_CLASS_MINIMAL);
  pub->mutable_footprint()->set_training_kwh(12.5);
  pub->mutable_footprint()->set_estimate(true);
  v1::ProjectRestricted* r = p.mutable_restricted();
  v1::Contact* c = r->add_contacts();
  c->set_role("cheffe de projet");
  c->set_email("jeanne.martin@example.org");
  c->set_expires("2027-01-01");
  r->set_budget_eur(150000);
  r->add_vendors("Acme SAS");
  r->set_procurement_notes("Marché subséquent, lot 3");
  v1::ProjectExpert* e = p.mutable_expert();
  e->set_source_repository("https://git.example.org/fuites");
  e->set_license("Apache-2.0");
  v1::ArtifactRef* a = e->add_artifacts();
  a->set_name("modele-fuites");
  a->set_kind("model");
  a->set_format("onnx");
  a->set_size_bytes(1234567);
  return p;
}

v1::Feedback MakeFeedback(const std::string& project_id, const std::string& text) {
  v1::Feedback f;
  f.set_project_id(project_id);
  f.set_kind(v1::FEEDBACK_KIND_LESSON);
  f.set_author_collectivity("Rennes Métropole");
  f.set_text(text);
  return f;
}

std::vector<std::string> HitIds(const v1::SearchResponse& response) {
  std::vector<std::string> ids;
  for (const auto& hit : response.hits()) ids.push_back(hit.project().id());
  return ids;
}

std::map<std::string, int64_t> FacetCounts(const google::protobuf::RepeatedPtrField<v1::Facet>& facets,
                                           const std::string& name) {
  std::map<std::string, int64_t> counts;
  for (const v1::Facet& f : facets) {
    if (f.name() != name) continue;
    for (const v1::FacetCount& c : f.counts()) counts[c.value()] = c.count();
  }
  return counts;
}

struct LogRow {
  LogKeyParts key;
  std::string bytes;
  v1::LogEntry entry;
};

// Every entry of the log family, in key order.
std::vector<LogRow> ReadLog(const Store& store) {
  std::vector<LogRow> rows;
  std::unique_ptr<rocksdb::Iterator> it = store.db()->NewIterator(Family::kLog);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::optional<LogKeyParts> key = ParseLogKey(std::string_view(it->key().data(), it->key().size()));
    EXPECT_TRUE(key.has_value()) << it->key().ToString(true);
    if (!key) continue;
    LogRow row{*key, it->value().ToString(), {}};
    EXPECT_TRUE(row.entry.ParseFromString(row.bytes));
    rows.push_back(std::move(row));
  }
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return rows;
}

// Highest seq of `tier`'s log according to the frontier family (0 if none).
uint64_t FrontierSeq(const Store& store, v1::Tier tier) {
  auto value = store.db()->Get(Family::kFrontier, FrontierKey(store.node_id(), tier));
  EXPECT_THAT(value, IsOk());
  if (!value.ok() || !value->has_value()) return 0;
  EXPECT_EQ((*value)->size(), 8u);
  return DecodeBigEndian64(**value);
}

// Every key of a family, in order.
std::vector<std::string> Keys(const Store& store, Family family) {
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it = store.db()->NewIterator(family);
  for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
  EXPECT_TRUE(it->status().ok());
  return keys;
}

class CatalogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.clock = &clock_;
    options_.node_id = "node-a";
    options_.db.block_cache_bytes = 8 << 20;
    options_.db.sync_writes = false;  // speed; durability across reopen is still tested
    ASSERT_NO_FATAL_FAILURE(Reopen());
  }

  void Reopen() {
    store_.reset();
    auto store = Store::Open(dir_.path(), options_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(store).value();
  }

  void Put(const v1::Project& project) {
    auto result = store_->PutProject(project);
    ASSERT_THAT(result, IsOk()) << project.public_().id();
  }

  v1::SearchResponse SearchOk(const std::string& query, const v1::ProjectFilter& filter = {}, int page_size = 0,
                              const std::string& page_token = "") {
    v1::SearchRequest request;
    request.set_query(query);
    *request.mutable_filter() = filter;
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    auto response = store_->Search(request);
    EXPECT_THAT(response, IsOk()) << "query '" << query << "'";
    return response.ok() ? *response : v1::SearchResponse();
  }

  absl::Status SearchStatus(const std::string& query, const std::string& page_token = "", int page_size = 0) {
    v1::SearchRequest request;
    request.set_query(query);
    request.set_page_token(page_token);
    request.set_page_size(page_size);
    return store_->Search(request).status();
  }

  int64_t StatsProjects() {
    auto stats = store_->Stats();
    EXPECT_THAT(stats, IsOk());
    return stats.ok() ? stats->projects() : -1;
  }
  int64_t StatsFeedback() {
    auto stats = store_->Stats();
    EXPECT_THAT(stats, IsOk());
    return stats.ok() ? stats->feedback() : -1;
  }

  FakeClock clock_;
  ScopedTempDir dir_;
  Store::Options options_;
  std::unique_ptr<Store> store_;
};

// ---------------------------------------------------------------------------
// Put / Get / Delete

TEST_F(CatalogStoreTest, PutGetRoundTripsAllFacets) {
  const v1::Project project = FullProject("nantes-fuites");
  auto put = store_->PutProject(project);
  ASSERT_THAT(put, IsOk());
  EXPECT_TRUE(put->created);
  EXPECT_TRUE(put->changed);

  auto got = store_->GetProject("nantes-fuites");
  ASSERT_THAT(got, IsOk());
  EXPECT_GT(got->public_().updated_unix_ms(), 1'700'000'000'000);  // set by the node
  v1::Project expected = project;
  expected.mutable_public_()->set_updated_unix_ms(got->public_().updated_unix_ms());
  expected.mutable_restricted()->set_id("nantes-fuites");  // facet ids are filled in
  expected.mutable_expert()->set_id("nantes-fuites");
  EXPECT_TRUE(MessageDifferencer::Equals(*got, expected)) << got->DebugString() << "\nvs\n" << expected.DebugString();
  EXPECT_EQ(StatsProjects(), 1);
}

TEST_F(CatalogStoreTest, GetUnknownAndInvalidIds) {
  EXPECT_THAT(store_->GetProject("absent"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("absent")));
  EXPECT_THAT(store_->GetProject("Bad/Id"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->DeleteProject("Bad/Id"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->ListFeedback("Bad/Id"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(CatalogStoreTest, PutRejectsInvalidProjectAndWritesNothing) {
  v1::Project p = MakeProject("ok-id", "");
  EXPECT_THAT(store_->PutProject(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("public.title_fr:")));
  EXPECT_EQ(StatsProjects(), 0);
  EXPECT_THAT(ReadLog(*store_), IsEmpty());
  EXPECT_THAT(Keys(*store_, Family::kRecords), IsEmpty());
}

TEST_F(CatalogStoreTest, PutReplacesEveryFacetAndOmittedFacetsAreRemoved) {
  Put(FullProject("p1"));
  v1::Project replacement = MakeProject("p1", "Navette autonome", "Transport à la demande.");
  auto put = store_->PutProject(replacement);
  ASSERT_THAT(put, IsOk());
  EXPECT_FALSE(put->created);
  EXPECT_TRUE(put->changed);

  auto got = store_->GetProject("p1");
  ASSERT_THAT(got, IsOk());
  EXPECT_FALSE(got->has_restricted());
  EXPECT_FALSE(got->has_expert());
  EXPECT_EQ(got->public_().title_fr(), "Navette autonome");
  EXPECT_EQ(got->public_().title_en(), "");
  EXPECT_EQ(got->public_().techniques_size(), 0);
  EXPECT_EQ(StatsProjects(), 1);
  // No restricted or expert record is left behind.
  EXPECT_THAT(Keys(*store_, Family::kRecords), ElementsAre(RecordKey(RecordKind::kPublic, "p1")));
  // The index follows: old words are gone, new ones found.
  EXPECT_EQ(SearchOk("fuites").total_matches(), 0);
  EXPECT_EQ(SearchOk("debits").total_matches(), 0);
  EXPECT_THAT(HitIds(SearchOk("navette")), ElementsAre("p1"));
  EXPECT_THAT(HitIds(SearchOk("transport")), ElementsAre("p1"));
}

TEST_F(CatalogStoreTest, RePutIdenticalChangesNothing) {
  const v1::Project project = FullProject("p1");
  Put(project);
  const uint64_t seqs[] = {FrontierSeq(*store_, v1::TIER_PUBLIC), FrontierSeq(*store_, v1::TIER_RESTRICTED),
                           FrontierSeq(*store_, v1::TIER_EXPERT)};
  EXPECT_THAT(seqs, ElementsAre(1u, 1u, 1u));
  auto before = store_->GetProject("p1");
  ASSERT_THAT(before, IsOk());
  const size_t log_size = ReadLog(*store_).size();

  // Identical, and identical but for the node-set update time and facet ids.
  v1::Project same = project;
  same.mutable_public_()->set_updated_unix_ms(12345);
  same.mutable_restricted()->set_id("p1");
  for (const v1::Project& p : {project, same}) {
    auto put = store_->PutProject(p);
    ASSERT_THAT(put, IsOk());
    EXPECT_FALSE(put->created);
    EXPECT_FALSE(put->changed);
  }
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_PUBLIC), 1u);
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_RESTRICTED), 1u);
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_EXPERT), 1u);
  EXPECT_EQ(ReadLog(*store_).size(), log_size);
  auto after = store_->GetProject("p1");
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->public_().updated_unix_ms(), before->public_().updated_unix_ms());

  // Changing only the restricted facet logs only in the restricted tier.
  v1::Project changed = project;
  changed.mutable_restricted()->set_budget_eur(99);
  auto put = store_->PutProject(changed);
  ASSERT_THAT(put, IsOk());
  EXPECT_TRUE(put->changed);
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_PUBLIC), 1u);
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_RESTRICTED), 2u);
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_EXPERT), 1u);
}

TEST_F(CatalogStoreTest, DeleteRemovesProjectIndexEntriesAndFeedback) {
  Put(FullProject("p1"));
  Put(MakeProject("p2", "Fuites sur le réseau de chaleur"));
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("p1", "Impliquer les fontainiers")), IsOk());
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("p1", "Prévoir la maintenance")), IsOk());
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("p2", "Bon retour")), IsOk());
  ASSERT_THAT(HitIds(SearchOk("fuites")), UnorderedElementsAre("p1", "p2"));
  EXPECT_EQ(StatsFeedback(), 3);

  // p1's document number, from its row in the index family.
  std::optional<uint32_t> docnum;
  {
    std::unique_ptr<rocksdb::Iterator> it = store_->db()->NewIterator(Family::kIndex);
    for (it->Seek(std::string(1, kDocPrefix)); it->Valid() && it->key().starts_with("d"); it->Next()) {
      v1::IndexedDoc row;
      ASSERT_TRUE(row.ParseFromString(it->value().ToString()));
      if (row.id() == "p1") docnum = DecodeBigEndian32(std::string_view(it->key().data() + 1, 4));
    }
  }
  ASSERT_TRUE(docnum.has_value());

  ASSERT_THAT(store_->DeleteProject("p1"), IsOk());
  EXPECT_THAT(store_->GetProject("p1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->DeleteProject("p1"), StatusIs(absl::StatusCode::kNotFound));
  auto feedback = store_->ListFeedback("p1");
  ASSERT_THAT(feedback, IsOk());
  EXPECT_THAT(*feedback, IsEmpty());
  EXPECT_EQ(StatsProjects(), 1);
  EXPECT_EQ(StatsFeedback(), 1);
  EXPECT_THAT(HitIds(SearchOk("fuites")), ElementsAre("p2"));
  EXPECT_EQ(SearchOk("debits").total_matches(), 0);
  EXPECT_EQ(SearchOk("Détection").total_matches(), 0);

  // Records: only p2's public facet and feedback (and its fingerprint row) remain.
  for (const std::string& key : Keys(*store_, Family::kRecords)) {
    EXPECT_THAT(key, ::testing::AnyOf(RecordKey(RecordKind::kPublic, "p2"), ::testing::StartsWith(FeedbackPrefix("p2")),
                                      ::testing::StartsWith(RecordKey(RecordKind::kFeedbackFingerprint, "p2/"))));
  }
  // Index: no row or posting of p1 is left. (The iterator must be
  // gone before the store is closed below.)
  {
    std::unique_ptr<rocksdb::Iterator> it = store_->db()->NewIterator(Family::kIndex);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      EXPECT_NE(key, DocKey(*docnum));
      EXPECT_NE(key[0], kOldDocIdPrefix) << "rows by id are not written since schema 3";
      if (key[0] == kTermPrefix) {
        std::vector<Posting> postings;
        EXPECT_TRUE(DecodePostings(it->value().ToString(), &postings)) << key;
        for (const Posting& p : postings) EXPECT_NE(p.doc, *docnum) << "term " << key.substr(1);
      }
    }
    EXPECT_TRUE(it->status().ok());
  }

  // The deletion survives a reopen, and the id can be reused.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_THAT(store_->GetProject("p1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(StatsProjects(), 1);
  EXPECT_EQ(StatsFeedback(), 1);
  EXPECT_THAT(HitIds(SearchOk("fuites")), ElementsAre("p2"));
  auto again = store_->PutProject(MakeProject("p1", "Arrosage intelligent"));
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->created);
  EXPECT_THAT(HitIds(SearchOk("arrosage")), ElementsAre("p1"));
  EXPECT_THAT(HitIds(SearchOk("fuites")), ElementsAre("p2"));
}

// Proto3 rejects invalid UTF-8 in string fields when parsing, so a record
// accepted with it could never be read back (nor could the index rows that
// carry its region or collectivity, which would keep the store from opening).
TEST_F(CatalogStoreTest, RejectsInvalidUtf8BeforeWriting) {
  v1::Project p = MakeProject("bad-utf8", "Eau potable \xff");
  EXPECT_THAT(store_->PutProject(p), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("public.title_fr:")));
  p = MakeProject("bad-utf8", "Eau potable");
  p.mutable_public_()->mutable_collectivity()->set_region("R\xc3gion");
  EXPECT_THAT(store_->PutProject(p),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("public.collectivity.region:")));
  EXPECT_EQ(StatsProjects(), 0);
  EXPECT_THAT(Keys(*store_, Family::kRecords), IsEmpty());
  ASSERT_THAT(store_->PutProject(MakeProject("good", "Eau potable")), IsOk());
  EXPECT_THAT(store_->AddFeedback(MakeFeedback("good", "Texte \xc0\x80")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("feedback.text:")));
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_THAT(HitIds(SearchOk("eau")), ElementsAre("good"));
}

// ---------------------------------------------------------------------------
// Feedback

TEST_F(CatalogStoreTest, AddFeedbackSetsIdOriginAndTime) {
  Put(MakeProject("p1", "Chatbot"));
  auto first = store_->AddFeedback(MakeFeedback("p1", "Former les agents"));
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->id().empty());
  EXPECT_EQ(first->origin(), "node-a");
  EXPECT_GT(first->created_unix_ms(), 1'700'000'000'000);
  v1::Feedback with_id = MakeFeedback("p1", "Mesurer avant");
  with_id.set_id("client-chosen");  // ignored: the node assigns ids
  with_id.set_origin("elsewhere");
  auto second = store_->AddFeedback(with_id);
  ASSERT_THAT(second, IsOk());
  EXPECT_NE(second->id(), "client-chosen");
  EXPECT_NE(second->id(), first->id());
  EXPECT_EQ(second->origin(), "node-a");

  auto listed = store_->ListFeedback("p1");
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 2u);
  std::set<std::string> ids = {(*listed)[0].id(), (*listed)[1].id()};
  EXPECT_EQ(ids, (std::set<std::string>{first->id(), second->id()}));
  for (const v1::Feedback& f : *listed) {
    EXPECT_TRUE(MessageDifferencer::Equals(f, f.id() == first->id() ? *first : *second)) << f.DebugString();
  }
  EXPECT_EQ(StatsFeedback(), 2);
}

// Ids sort as strings in the store ("node-a-r10" before "node-a-r2"); the
// list comes oldest first all the same.
TEST_F(CatalogStoreTest, FeedbackIsListedOldestFirst) {
  ASSERT_THAT(store_->PutProject(MakeProject("p1", "Fuites")).status(), IsOk());
  std::vector<std::string> added;
  for (int i = 0; i < 12; ++i) {
    auto f = store_->AddFeedback(MakeFeedback("p1", "Retour " + std::to_string(i)));
    ASSERT_THAT(f, IsOk());
    added.push_back(f->id());
  }
  auto listed = store_->ListFeedback("p1");
  ASSERT_THAT(listed, IsOk());
  std::vector<std::string> ids;
  for (const v1::Feedback& f : *listed) ids.push_back(f.id());
  EXPECT_EQ(ids, added);
}

TEST_F(CatalogStoreTest, AddFeedbackOnUnknownProjectWritesNothing) {
  Put(MakeProject("p1", "Chatbot"));
  const size_t log_size = ReadLog(*store_).size();
  EXPECT_THAT(store_->AddFeedback(MakeFeedback("absent", "Texte")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("absent")));
  EXPECT_EQ(StatsFeedback(), 0);
  EXPECT_EQ(ReadLog(*store_).size(), log_size);
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_RESTRICTED), 0u);
  EXPECT_THAT(Keys(*store_, Family::kRecords), ElementsAre(RecordKey(RecordKind::kPublic, "p1")));

  v1::Feedback invalid = MakeFeedback("p1", "");
  EXPECT_THAT(store_->AddFeedback(invalid), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("feedback.text")));
  EXPECT_EQ(StatsFeedback(), 0);
}

TEST_F(CatalogStoreTest, FeedbackOfOneProjectIsNotListedForAnother) {
  // "a" is a prefix of "ab": a's feedback range must not hold ab's feedback.
  Put(MakeProject("a", "Projet A"));
  Put(MakeProject("ab", "Projet AB"));
  Put(MakeProject("a-b", "Projet A-B"));
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("a", "pour a")), IsOk());
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("ab", "pour ab")), IsOk());
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("a-b", "pour a-b")), IsOk());
  auto a = store_->ListFeedback("a");
  ASSERT_THAT(a, IsOk());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].text(), "pour a");
  ASSERT_THAT(store_->DeleteProject("a"), IsOk());
  auto ab = store_->ListFeedback("ab");
  ASSERT_THAT(ab, IsOk());
  ASSERT_EQ(ab->size(), 1u);
  EXPECT_EQ((*ab)[0].text(), "pour ab");
  EXPECT_EQ(StatsFeedback(), 2);
}

// ---------------------------------------------------------------------------
// Import

std::vector<v1::Project> FiveProjects() {
  std::vector<v1::Project> projects;
  for (int i = 1; i <= 5; ++i) {
    projects.push_back(MakeProject(absl::StrCat("p", i), absl::StrCat("Projet numéro ", i, " irrigation")));
  }
  return projects;
}

TEST_F(CatalogStoreTest, ImportIsAllOrNothing) {
  std::vector<v1::Project> projects = FiveProjects();
  projects[3].mutable_public_()->clear_title_fr();  // record 4
  std::vector<v1::Feedback> feedback = {MakeFeedback("p1", "Retour")};
  EXPECT_THAT(store_->Import(projects, feedback),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("record 4 (id p4)"), HasSubstr("public.title_fr:"))));
  EXPECT_EQ(StatsProjects(), 0);
  EXPECT_EQ(StatsFeedback(), 0);
  EXPECT_THAT(store_->GetProject("p1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(SearchOk("irrigation").total_matches(), 0);
  EXPECT_THAT(ReadLog(*store_), IsEmpty());
  EXPECT_THAT(Keys(*store_, Family::kRecords), IsEmpty());

  // A record without an id is reported as such.
  projects = FiveProjects();
  projects[1].mutable_public_()->clear_id();
  EXPECT_THAT(store_->Import(projects, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("record 2 (id ?): public.id:")));

  // Feedback about a project neither imported nor stored fails the import.
  EXPECT_THAT(store_->Import(FiveProjects(), {MakeFeedback("p9", "Retour")}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("feedback 1 (project p9)")));
  // Invalid feedback too.
  EXPECT_THAT(store_->Import(FiveProjects(), {MakeFeedback("p1", "Retour"), MakeFeedback("p1", "")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("feedback 2 (project p1)")));
  EXPECT_EQ(StatsProjects(), 0);
  EXPECT_EQ(StatsFeedback(), 0);
  EXPECT_THAT(ReadLog(*store_), IsEmpty());
}

TEST_F(CatalogStoreTest, ImportRejectsDuplicateIds) {
  std::vector<v1::Project> projects = FiveProjects();
  projects[2].mutable_public_()->set_id("p1");  // record 3 repeats record 1
  EXPECT_THAT(store_->Import(projects, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("record 3 (id p1)"), HasSubstr("duplicate of record 1"))));
  EXPECT_EQ(StatsProjects(), 0);
  EXPECT_THAT(Keys(*store_, Family::kRecords), IsEmpty());
}

TEST_F(CatalogStoreTest, ImportWritesEverythingAndReimportSkipsDuplicateFeedback) {
  const std::vector<v1::Project> projects = FiveProjects();
  const std::vector<v1::Feedback> feedback = {MakeFeedback("p1", "Retour un"), MakeFeedback("p2", "Retour deux"),
                                              MakeFeedback("p1", "Retour trois")};
  auto first = store_->Import(projects, feedback);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->imported(), 5);
  EXPECT_EQ(first->created(), 5);
  EXPECT_EQ(first->feedback(), 3);
  EXPECT_EQ(StatsProjects(), 5);
  EXPECT_EQ(StatsFeedback(), 3);
  EXPECT_EQ(SearchOk("irrigation").total_matches(), 5);
  const size_t log_size = ReadLog(*store_).size();
  EXPECT_EQ(log_size, 8u);  // 5 public + 3 restricted entries

  auto second = store_->Import(projects, feedback);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->imported(), 5);
  EXPECT_EQ(second->created(), 0);
  EXPECT_EQ(second->feedback(), 0);
  EXPECT_EQ(StatsFeedback(), 3);
  EXPECT_EQ(ReadLog(*store_).size(), log_size);

  // Feedback ids are unique across the import.
  std::set<std::string> ids;
  for (const char* id : {"p1", "p2"}) {
    auto listed = store_->ListFeedback(id);
    ASSERT_THAT(listed, IsOk());
    for (const auto& f : *listed) ids.insert(f.id());
  }
  EXPECT_EQ(ids.size(), 3u);

  // Feedback alone, about a stored project, and the same again.
  auto more = store_->Import({}, {MakeFeedback("p3", "Nouveau")});
  ASSERT_THAT(more, IsOk());
  EXPECT_EQ(more->feedback(), 1);
  auto same = store_->Import({}, {MakeFeedback("p3", "Nouveau")});
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->feedback(), 0);
  EXPECT_EQ(StatsFeedback(), 4);
}

// ---------------------------------------------------------------------------
// Persistence

TEST_F(CatalogStoreTest, PersistsAcrossCloseAndReopen) {
  options_.db.sync_writes = true;
  ASSERT_NO_FATAL_FAILURE(Reopen());
  Put(FullProject("p1"));
  Put(MakeProject("p2", "Qualité de l’air", "Capteurs de pollution aux abords des écoles."));
  auto f1 = store_->AddFeedback(MakeFeedback("p1", "Premier retour"));
  ASSERT_THAT(f1, IsOk());
  auto f2 = store_->AddFeedback(MakeFeedback("p2", "Deuxième retour"));
  ASSERT_THAT(f2, IsOk());
  auto before_p1 = store_->GetProject("p1");
  ASSERT_THAT(before_p1, IsOk());
  const v1::SearchResponse before = SearchOk("pollu");
  ASSERT_EQ(before.total_matches(), 1);
  const uint64_t public_seq = FrontierSeq(*store_, v1::TIER_PUBLIC);
  const uint64_t restricted_seq = FrontierSeq(*store_, v1::TIER_RESTRICTED);
  EXPECT_EQ(public_seq, 2u);
  EXPECT_EQ(restricted_seq, 3u);  // p1's restricted facet and two feedback

  ASSERT_NO_FATAL_FAILURE(Reopen());
  auto after_p1 = store_->GetProject("p1");
  ASSERT_THAT(after_p1, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(*before_p1, *after_p1));
  EXPECT_EQ(StatsProjects(), 2);
  EXPECT_EQ(StatsFeedback(), 2);
  const v1::SearchResponse after = SearchOk("pollu");
  EXPECT_TRUE(MessageDifferencer::Equals(before, after)) << before.DebugString() << after.DebugString();
  EXPECT_THAT(HitIds(SearchOk("ecoles")), ElementsAre("p2"));
  EXPECT_THAT(HitIds(SearchOk("fuites")), ElementsAre("p1"));

  // Logs continue where they stopped; new feedback ids do not repeat old ones.
  Put(MakeProject("p3", "Tri des déchets"));
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_PUBLIC), public_seq + 1);
  auto f3 = store_->AddFeedback(MakeFeedback("p1", "Troisième retour"));
  ASSERT_THAT(f3, IsOk());
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_RESTRICTED), restricted_seq + 1);
  EXPECT_NE(f3->id(), f1->id());
  EXPECT_NE(f3->id(), f2->id());
  auto listed = store_->ListFeedback("p1");
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->size(), 2u);
  EXPECT_EQ(StatsFeedback(), 3);
  EXPECT_EQ(StatsProjects(), 3);

  // Facet values and filters work on rows reloaded from disk.
  v1::ProjectFilter filter;
  filter.set_region("pays de la loire");
  EXPECT_EQ(SearchOk("dechets", filter).total_matches(), 1);

  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(StatsProjects(), 3);
  EXPECT_EQ(StatsFeedback(), 3);
  const std::vector<LogRow> log = ReadLog(*store_);
  EXPECT_EQ(log.size(), 3u + 4u + 1u);
}

TEST_F(CatalogStoreTest, SecondOpenOfSameDirectoryFails) {
  auto second = Store::Open(dir_.path(), options_);
  EXPECT_THAT(second, ::testing::Not(IsOk()));
}

TEST_F(CatalogStoreTest, RefusesStoreOfAnotherSchemaVersion) {
  rocksdb::WriteOptions write_options;
  ASSERT_TRUE(store_->db()
                  ->raw()
                  ->Put(write_options, store_->db()->family(Family::kMeta), std::string(kMetaSchemaVersion), "99")
                  .ok());
  store_.reset();
  EXPECT_THAT(Store::Open(dir_.path(), options_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("99")));
}

// ---------------------------------------------------------------------------
// ListProjects

class ListProjectsTest : public CatalogStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CatalogStoreTest::SetUp());
    std::vector<v1::Project> projects;
    for (int i = 0; i < 23; ++i) {
      v1::Project p = MakeProject(absl::StrCat("proj-", i < 10 ? "0" : "", i), absl::StrCat("Projet ", i));
      v1::ProjectPublic* pub = p.mutable_public_();
      pub->set_domain(i % 3 == 0 ? v1::DOMAIN_WATER : i % 3 == 1 ? v1::DOMAIN_ENERGY : v1::DOMAIN_MOBILITY);
      pub->set_status(i % 2 == 0 ? v1::STATUS_PILOT : v1::STATUS_PRODUCTION);
      if (i % 5 == 0) pub->mutable_collectivity()->set_region("Bretagne");
      if (i % 7 == 0) pub->mutable_collectivity()->clear_region();
      pub->mutable_collectivity()->set_name(i % 4 == 0 ? "Rennes Métropole" : "Nantes Métropole");
      if (i % 2 == 1) pub->add_techniques("vision par ordinateur");
      projects.push_back(p);
      all_.push_back(pub->id());
    }
    auto imported = store_->Import(projects, {});
    ASSERT_THAT(imported, IsOk());
    ASSERT_EQ(imported->created(), 23);
    std::sort(all_.begin(), all_.end());
  }

  // Every id matching `filter`, page by page, checking each page's size.
  std::vector<std::string> ListAll(const v1::ProjectFilter& filter, int page_size) {
    std::vector<std::string> ids;
    v1::ListProjectsRequest request;
    *request.mutable_filter() = filter;
    request.set_page_size(page_size);
    for (int pages = 0; pages < 100; ++pages) {
      auto response = store_->ListProjects(request);
      EXPECT_THAT(response, IsOk());
      if (!response.ok()) break;
      EXPECT_LE(response->projects_size(), page_size);
      for (const auto& p : response->projects()) {
        ids.push_back(p.id());
        EXPECT_FALSE(p.title_fr().empty());  // whole public facets
      }
      if (response->next_page_token().empty()) break;
      EXPECT_EQ(response->projects_size(), page_size);
      request.set_page_token(response->next_page_token());
    }
    return ids;
  }

  std::vector<std::string> Expected(const std::function<bool(int)>& keep) {
    std::vector<std::string> ids;
    for (int i = 0; i < 23; ++i) {
      if (keep(i)) ids.push_back(absl::StrCat("proj-", i < 10 ? "0" : "", i));
    }
    return ids;
  }

  std::vector<std::string> all_;
};

TEST_F(ListProjectsTest, PagesCoverAllIdsExactlyOnceInOrder) {
  for (int page_size : {1, 5, 10, 22, 23, 24, 500}) {
    EXPECT_EQ(ListAll({}, page_size), all_) << "page size " << page_size;
  }
  v1::ListProjectsRequest request;
  auto response = store_->ListProjects(request);  // default page size 50
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->projects_size(), 23);
  EXPECT_TRUE(response->next_page_token().empty());
}

TEST_F(ListProjectsTest, Filters) {
  v1::ProjectFilter filter;
  filter.set_domain(v1::DOMAIN_ENERGY);
  EXPECT_EQ(ListAll(filter, 4), Expected([](int i) { return i % 3 == 1; }));
  filter.set_status(v1::STATUS_PRODUCTION);
  EXPECT_EQ(ListAll(filter, 4), Expected([](int i) { return i % 3 == 1 && i % 2 == 1; }));

  filter.Clear();
  filter.set_region("Bretagne");
  EXPECT_EQ(ListAll(filter, 3), Expected([](int i) { return i % 5 == 0 && i % 7 != 0; }));
  filter.set_region("BRETAGNE");  // values are matched folded
  EXPECT_EQ(ListAll(filter, 3), Expected([](int i) { return i % 5 == 0 && i % 7 != 0; }));

  filter.Clear();
  filter.set_collectivity("Rennes Metropole");
  EXPECT_EQ(ListAll(filter, 3), Expected([](int i) { return i % 4 == 0; }));

  filter.Clear();
  filter.set_technique("vision par ordinateur");
  EXPECT_EQ(ListAll(filter, 3), Expected([](int i) { return i % 2 == 1; }));
}

TEST_F(ListProjectsTest, AFilterMatchesTheValuesThatContainItsWords) {
  // "Métropole" is a word of both collectivities, "rennes" of one.
  v1::ProjectFilter filter;
  filter.set_collectivity("métropole");
  EXPECT_EQ(ListAll(filter, 5), all_);
  filter.set_collectivity("RENNES");
  EXPECT_EQ(ListAll(filter, 5), Expected([](int i) { return i % 4 == 0; }));
  // Whole words, in order: not a word's beginning, not the words reversed.
  filter.set_collectivity("renn");
  EXPECT_THAT(ListAll(filter, 5), IsEmpty());
  filter.set_collectivity("metropole rennes");
  EXPECT_THAT(ListAll(filter, 5), IsEmpty());
  filter.Clear();
  filter.set_technique("ordinateur");
  EXPECT_EQ(ListAll(filter, 5), Expected([](int i) { return i % 2 == 1; }));
  // Search takes the same filters.
  filter.Clear();
  filter.set_collectivity("nantes");
  EXPECT_EQ(SearchOk("projet", filter).total_matches(), 23 - 6);  // i % 4 == 0 for 6 of 0..22
}

TEST_F(ListProjectsTest, UnknownFilterValuesMatchNothing) {
  // Some projects have no region: a region no project has must not match them.
  v1::ProjectFilter filter;
  filter.set_region("Atlantide");
  EXPECT_THAT(ListAll(filter, 10), IsEmpty());
  filter.Clear();
  filter.set_collectivity("Inconnue");
  EXPECT_THAT(ListAll(filter, 10), IsEmpty());
  filter.Clear();
  filter.set_technique("télépathie");
  EXPECT_THAT(ListAll(filter, 10), IsEmpty());
  filter.Clear();
  filter.set_region("Atlantide");
  EXPECT_EQ(SearchOk("projet", filter).total_matches(), 0);
  filter.set_region("-");  // no word at all
  EXPECT_THAT(ListAll(filter, 10), IsEmpty());
}

TEST_F(ListProjectsTest, RejectsBadPageSizeAndToken) {
  v1::ListProjectsRequest request;
  request.set_page_size(-1);
  EXPECT_THAT(store_->ListProjects(request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  request.set_page_size(501);
  EXPECT_THAT(store_->ListProjects(request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  request.set_page_size(10);
  request.set_page_token("Not A Token!");
  EXPECT_THAT(store_->ListProjects(request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

// ---------------------------------------------------------------------------
// Search

TEST_F(CatalogStoreTest, RanksTitleMatchAboveSummaryOnlyMatch) {
  Put(MakeProject("summary-only", "Surveillance des rivières", "Détection de la pollution par drones."));
  Put(MakeProject("in-title", "Pollution des rivières", "Détection par drones de surveillance."));
  Put(MakeProject("unrelated", "Tri des déchets", "Collecte optimisée."));
  const v1::SearchResponse response = SearchOk("pollution");
  EXPECT_THAT(HitIds(response), ElementsAre("in-title", "summary-only"));
  EXPECT_EQ(response.total_matches(), 2);
  ASSERT_EQ(response.hits_size(), 2);
  EXPECT_GT(response.hits(0).score(), response.hits(1).score());
  EXPECT_GT(response.hits(1).score(), 0);
  // Hits carry the whole public facet.
  EXPECT_EQ(response.hits(0).project().title_fr(), "Pollution des rivières");
  EXPECT_EQ(response.hits(0).project().collectivity().name(), "Nantes Métropole");
}

TEST_F(CatalogStoreTest, AllQueryWordsPreferredThenClosestMatches) {
  Put(MakeProject("both", "Pollution de l’eau"));
  Put(MakeProject("eau-only", "Qualité de l’eau"));
  Put(MakeProject("pollution-only", "Pollution de l’air"));
  // A page's worth holds every word: only they answer.
  v1::SearchResponse all = SearchOk("eau pollution ", {}, 1);
  EXPECT_THAT(HitIds(all), ElementsAre("both"));
  EXPECT_EQ(all.total_matches(), 1);
  EXPECT_EQ(all.match_mode(), v1::MATCH_ALL_WORDS);
  // Fewer than a page: closest matches follow, every word first.
  v1::SearchResponse closest = SearchOk("pollution eau");
  EXPECT_EQ(closest.match_mode(), v1::MATCH_CLOSEST);
  ASSERT_EQ(closest.hits_size(), 3);
  EXPECT_EQ(closest.hits(0).project().id(), "both");
  EXPECT_EQ(closest.total_matches(), 3);
  EXPECT_THAT(HitIds(SearchOk("pollution ")), UnorderedElementsAre("both", "pollution-only"));
  EXPECT_EQ(SearchOk("pollution ").match_mode(), v1::MATCH_ALL_WORDS);  // one word: nothing to relax
  v1::SearchResponse absent = SearchOk("eau absentword ");
  EXPECT_EQ(absent.match_mode(), v1::MATCH_CLOSEST);
  EXPECT_THAT(HitIds(absent), UnorderedElementsAre("both", "eau-only"));
  // Stop words in the query are ignored, not required.
  EXPECT_THAT(HitIds(SearchOk("la pollution de l'eau", {}, 1)), ElementsAre("both"));
}

TEST_F(CatalogStoreTest, LastWordMatchesAsPrefixUnlessFollowedBySpace) {
  Put(MakeProject("p1", "Pollution de l’air"));
  Put(MakeProject("p2", "Polluants émergents dans l’eau"));
  Put(MakeProject("p3", "Politique cyclable"));
  EXPECT_THAT(HitIds(SearchOk("pollu")), UnorderedElementsAre("p1", "p2"));
  EXPECT_EQ(SearchOk("pollu ").total_matches(), 0);
  EXPECT_THAT(HitIds(SearchOk("pollution ")), ElementsAre("p1"));
  EXPECT_EQ(SearchOk("pol").total_matches(), 0);                  // prefixes from 4 letters
  EXPECT_THAT(HitIds(SearchOk("poll")), UnorderedElementsAre("p1", "p2"));
  EXPECT_THAT(HitIds(SearchOk("air poll", {}, 1)), ElementsAre("p1"));  // exact word and prefix
  // Only the last word is a prefix: "pollu" matches nothing, "air" p1.
  EXPECT_THAT(HitIds(SearchOk("pollu air")), ElementsAre("p1"));
  EXPECT_THAT(HitIds(SearchOk("Émergen")), ElementsAre("p2"));  // prefixes are folded too
}

TEST_F(CatalogStoreTest, AccentsAndCaseAreFoldedBothWays) {
  Put(MakeProject("accented", "Écoles numériques"));
  Put(MakeProject("plain", "Cantine des ecoles"));
  EXPECT_THAT(HitIds(SearchOk("ecoles ")), UnorderedElementsAre("accented", "plain"));
  EXPECT_THAT(HitIds(SearchOk("écoles ")), UnorderedElementsAre("accented", "plain"));
  EXPECT_THAT(HitIds(SearchOk("ÉCOLES ")), UnorderedElementsAre("accented", "plain"));
  EXPECT_THAT(HitIds(SearchOk("numeriques ")), ElementsAre("accented"));
  EXPECT_THAT(HitIds(SearchOk("cantine écoles", {}, 1)), ElementsAre("plain"));
  // Decomposed (NFD) accents, in documents and in queries.
  Put(MakeProject("decomposed", "Pre\xcc\x81vention des crues"));
  EXPECT_THAT(HitIds(SearchOk("prévention")), ElementsAre("decomposed"));
  EXPECT_THAT(HitIds(SearchOk("pre\xcc\x81vention crues")), ElementsAre("decomposed"));
  EXPECT_THAT(HitIds(SearchOk("E\xcc\x81" "coles ")), UnorderedElementsAre("accented", "plain"));
}

TEST_F(CatalogStoreTest, RejectsBadQueries) {
  Put(MakeProject("p1", "Pollution de l’air"));
  EXPECT_THAT(SearchStatus(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("query")));
  EXPECT_THAT(SearchStatus("   "), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("query")));
  EXPECT_THAT(SearchStatus("le la les de"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("stop words")));
  EXPECT_THAT(SearchStatus("the of and "), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("stop words")));
  EXPECT_THAT(SearchStatus("-- !"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SearchStatus(std::string(1001, 'a')), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SearchStatus("pollution", "garbage"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(SearchStatus("pollution", "zzzzzzzzzzzzzzzz.zzzzzzzz"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(SearchStatus("pollution", "7ff8000000000000.00000000"),  // NaN score
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  EXPECT_THAT(SearchStatus("pollution", "", -1), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(SearchStatus("pollution", "", 101), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  EXPECT_EQ(SearchOk("pollution").total_matches(), 1);
  EXPECT_EQ(SearchOk("nothingmatches").total_matches(), 0);
}

TEST_F(CatalogStoreTest, FacetCountsCoverAllMatchesAndRespectFilters) {
  struct Spec {
    const char* id;
    v1::Domain domain;
    v1::Status status;
    const char* region;
    const char* collectivity;
    std::vector<std::string> techniques;
  };
  const std::vector<Spec> specs = {
      {"f1", v1::DOMAIN_WATER, v1::STATUS_PILOT, "Bretagne", "Rennes Métropole", {"vision", "nlp"}},
      {"f2", v1::DOMAIN_WATER, v1::STATUS_PRODUCTION, "Bretagne", "Brest Métropole", {"vision"}},
      {"f3", v1::DOMAIN_ENERGY, v1::STATUS_PILOT, "Occitanie", "Toulouse Métropole", {}},
      {"f4", v1::DOMAIN_MOBILITY, v1::STATUS_PILOT, "Occitanie", "Toulouse Métropole", {"nlp"}},
      {"f5", v1::DOMAIN_WATER, v1::STATUS_PILOT, "Bretagne", "Rennes Métropole", {"prévision"}},
  };
  for (const Spec& s : specs) {
    v1::Project p = MakeProject(s.id, "Capteurs connectés");
    v1::ProjectPublic* pub = p.mutable_public_();
    pub->set_domain(s.domain);
    pub->set_status(s.status);
    pub->mutable_collectivity()->set_region(s.region);
    pub->mutable_collectivity()->set_name(s.collectivity);
    for (const auto& t : s.techniques) pub->add_techniques(t);
    Put(p);
  }
  Put(MakeProject("other", "Sans rapport"));  // does not match the query

  v1::SearchResponse response = SearchOk("capteurs");
  EXPECT_EQ(response.total_matches(), 5);
  EXPECT_THAT(FacetCounts(response.facets(), "domain"),
              ElementsAre(Pair("energy", 1), Pair("mobility", 1), Pair("water", 3)));
  EXPECT_THAT(FacetCounts(response.facets(), "status"), ElementsAre(Pair("pilot", 4), Pair("production", 1)));
  EXPECT_THAT(FacetCounts(response.facets(), "region"), ElementsAre(Pair("Bretagne", 3), Pair("Occitanie", 2)));
  EXPECT_THAT(FacetCounts(response.facets(), "collectivity"),
              ElementsAre(Pair("Brest Métropole", 1), Pair("Rennes Métropole", 2), Pair("Toulouse Métropole", 2)));
  EXPECT_THAT(FacetCounts(response.facets(), "technique"),
              ElementsAre(Pair("nlp", 2), Pair("prévision", 1), Pair("vision", 2)));
  // Counts are sorted by decreasing count within a facet.
  for (const v1::Facet& f : response.facets()) {
    for (int i = 1; i < f.counts_size(); ++i) EXPECT_GE(f.counts(i - 1).count(), f.counts(i).count()) << f.name();
  }

  v1::ProjectFilter filter;
  filter.set_domain(v1::DOMAIN_WATER);
  response = SearchOk("capteurs", filter);
  EXPECT_EQ(response.total_matches(), 3);
  EXPECT_THAT(HitIds(response), UnorderedElementsAre("f1", "f2", "f5"));
  EXPECT_THAT(FacetCounts(response.facets(), "domain"), ElementsAre(Pair("water", 3)));
  EXPECT_THAT(FacetCounts(response.facets(), "status"), ElementsAre(Pair("pilot", 2), Pair("production", 1)));
  EXPECT_THAT(FacetCounts(response.facets(), "region"), ElementsAre(Pair("Bretagne", 3)));
  EXPECT_THAT(FacetCounts(response.facets(), "collectivity"),
              ElementsAre(Pair("Brest Métropole", 1), Pair("Rennes Métropole", 2)));
  EXPECT_THAT(FacetCounts(response.facets(), "technique"),
              ElementsAre(Pair("nlp", 1), Pair("prévision", 1), Pair("vision", 2)));

  filter.Clear();
  filter.set_technique("NLP");
  response = SearchOk("capteurs", filter);
  EXPECT_THAT(HitIds(response), UnorderedElementsAre("f1", "f4"));
  EXPECT_THAT(FacetCounts(response.facets(), "region"), ElementsAre(Pair("Bretagne", 1), Pair("Occitanie", 1)));

  filter.Clear();
  filter.set_status(v1::STATUS_PILOT);
  filter.set_collectivity("toulouse metropole");
  response = SearchOk("capteurs", filter);
  EXPECT_THAT(HitIds(response), UnorderedElementsAre("f3", "f4"));
  EXPECT_THAT(FacetCounts(response.facets(), "domain"), ElementsAre(Pair("energy", 1), Pair("mobility", 1)));

  // Stats count every project, matching or not.
  auto stats = store_->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->projects(), 6);
  EXPECT_EQ(stats->collectivities(), 4);  // Rennes, Brest, Toulouse, Nantes
  EXPECT_EQ(stats->node_id(), "node-a");
  EXPECT_THAT(FacetCounts(stats->by_facet(), "domain"),
              ElementsAre(Pair("energy", 1), Pair("mobility", 1), Pair("water", 4)));
  EXPECT_THAT(FacetCounts(stats->by_facet(), "region"),
              ElementsAre(Pair("Bretagne", 3), Pair("Occitanie", 2), Pair("Pays de la Loire", 1)));
}

TEST_F(CatalogStoreTest, PaginatesThroughAllMatchesInScoreOrder) {
  std::vector<v1::Project> projects;
  for (int i = 0; i < 45; ++i) {
    // Vary term frequency and document length so scores differ, with ties.
    std::string summary;
    for (int k = 0; k < i % 4; ++k) summary += "capteur ";
    for (int k = 0; k < i % 5; ++k) summary += absl::StrCat("mot", k, " ");
    projects.push_back(MakeProject(absl::StrCat("doc-", i), "Capteur de niveau", summary));
  }
  for (int i = 0; i < 5; ++i) projects.push_back(MakeProject(absl::StrCat("nope-", i), "Autre sujet"));
  ASSERT_THAT(store_->Import(projects, {}), IsOk());

  std::vector<std::string> ids;
  std::vector<double> scores;
  std::string token;
  int pages = 0;
  do {
    v1::SearchResponse page = SearchOk("capteur", {}, 10, token);
    EXPECT_EQ(page.total_matches(), 45);
    ++pages;
    for (const auto& hit : page.hits()) {
      ids.push_back(hit.project().id());
      scores.push_back(hit.score());
    }
    if (!page.next_page_token().empty()) {
      EXPECT_EQ(page.hits_size(), 10);
    }
    token = page.next_page_token();
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 5);
  ASSERT_EQ(ids.size(), 45u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 45u);
  for (const std::string& id : ids) EXPECT_TRUE(id.starts_with("doc-")) << id;
  for (size_t i = 1; i < scores.size(); ++i) EXPECT_GE(scores[i - 1], scores[i]) << "at " << i;
  EXPECT_GT(scores.front(), scores.back());

  // One big page gives the same order.
  v1::SearchResponse all = SearchOk("capteur", {}, 100);
  EXPECT_EQ(HitIds(all), ids);
  EXPECT_TRUE(all.next_page_token().empty());

  // Default page size is 20.
  v1::SearchResponse first = SearchOk("capteur");
  EXPECT_EQ(first.hits_size(), 20);
  EXPECT_FALSE(first.next_page_token().empty());
}

TEST_F(CatalogStoreTest, OnlyPublicFieldsAreIndexed) {
  v1::Project p = FullProject("p1");
  p.mutable_restricted()->set_procurement_notes("Clause confidentielle zorglub");
  p.mutable_restricted()->add_vendors("Megacorpvendor");
  p.mutable_restricted()->mutable_contacts(0)->set_email("jeanne.martin@secretdomain.example");
  p.mutable_expert()->set_license_note("licence xylophonique");
  p.mutable_public_()->add_tags("réseau intelligent");
  Put(p);
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("p1", "Retour sur le fournisseur quokkasoft")), IsOk());

  for (const char* word : {"zorglub", "confidentielle", "megacorpvendor", "jeanne", "martin", "secretdomain",
                           "xylophonique", "quokkasoft", "cheffe"}) {
    EXPECT_EQ(SearchOk(std::string(word) + " ").total_matches(), 0) << word;
    EXPECT_EQ(SearchOk(word).total_matches(), 0) << word << " as prefix";
  }
  // Nor within a typo of a restricted word, nor suggested.
  for (const char* word : {"zorglob ", "megacorpvendar ", "quokkasoftt ", "xylophoniqe "}) {
    const v1::SearchResponse response = SearchOk(word);
    EXPECT_EQ(response.total_matches(), 0) << word;
    EXPECT_EQ(response.suggestion(), "") << word;
  }
  // Public text is: titles, summaries, tags, techniques, data sources,
  // collectivity and region.
  for (const char* word : {"fuites", "leak", "nocturnes", "night", "intelligent", "temporelles", "anomalies"}) {
    EXPECT_THAT(HitIds(SearchOk(std::string(word) + " ")), ElementsAre("p1")) << word;
  }
}

// ---------------------------------------------------------------------------
// Log

TEST_F(CatalogStoreTest, LogHoldsHashChainedEntriesPerTier) {
  Put(FullProject("p1"));                                              // P1 R1 E1
  Put(FullProject("p2"));                                              // P2 R2 E2
  Put(MakeProject("p3", "Sans facettes"));                             // P3
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("p1", "un")), IsOk());  // R3
  ASSERT_THAT(store_->AddFeedback(MakeFeedback("p2", "deux")), IsOk());  // R4
  v1::Project changed = FullProject("p2");
  changed.mutable_public_()->set_title_fr("Nouveau titre");
  Put(changed);                                                        // P4
  ASSERT_THAT(store_->DeleteProject("p1"), IsOk());                    // P5 R5 R6 E3
  ASSERT_THAT(store_->Import({MakeProject("p4", "Importé")}, {MakeFeedback("p4", "trois")}), IsOk());  // P6 R7

  const std::map<v1::Tier, uint64_t> expected_counts = {
      {v1::TIER_PUBLIC, 6}, {v1::TIER_RESTRICTED, 7}, {v1::TIER_EXPERT, 3}};
  const std::vector<LogRow> log = ReadLog(*store_);
  std::map<v1::Tier, std::vector<const LogRow*>> by_tier;
  for (const LogRow& row : log) {
    EXPECT_EQ(row.key.origin, "node-a");
    by_tier[row.key.tier].push_back(&row);
  }
  ASSERT_EQ(by_tier.size(), 3u);
  for (const auto& [tier, rows] : by_tier) {
    SCOPED_TRACE(v1::Tier_Name(tier));
    ASSERT_EQ(rows.size(), expected_counts.at(tier));
    EXPECT_EQ(FrontierSeq(*store_, tier), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const v1::LogEntry& entry = rows[i]->entry;
      EXPECT_EQ(rows[i]->key.seq, i + 1);  // key order is seq order, 1..N without gaps
      EXPECT_EQ(entry.seq(), i + 1);
      EXPECT_EQ(entry.tier(), tier);
      EXPECT_EQ(entry.origin(), "node-a");
      if (i == 0) {
        EXPECT_TRUE(entry.prev_hash().empty());
      } else {
        EXPECT_EQ(entry.prev_hash(), EntryHash(rows[i - 1]->entry)) << "seq " << i + 1;
        EXPECT_EQ(entry.payload_hash(), entry.tombstone() ? "" : Sha256(entry.payload()));
        EXPECT_GT(entry.hlc_time(), rows[i - 1]->entry.hlc_time());
      }
      EXPECT_EQ(entry.tombstone(), entry.payload().empty());
      if (!entry.tombstone()) {
        v1::StoredRecord record;
        ASSERT_TRUE(record.ParseFromString(entry.payload()));
        EXPECT_NE(record.value_case(), v1::StoredRecord::VALUE_NOT_SET);
      }
    }
  }
  // Tombstones are the deletions of p1's public, restricted, expert and feedback records.
  std::set<std::string> tombstoned;
  for (const LogRow& row : log) {
    if (row.entry.tombstone()) tombstoned.insert(row.entry.key());
  }
  EXPECT_EQ(tombstoned.size(), 4u);
  EXPECT_TRUE(tombstoned.contains(RecordKey(RecordKind::kPublic, "p1")));
  EXPECT_TRUE(tombstoned.contains(RecordKey(RecordKind::kRestricted, "p1")));
  EXPECT_TRUE(tombstoned.contains(RecordKey(RecordKind::kExpert, "p1")));

  // A stored record is a reference to the entry that wrote it.
  auto bytes = store_->db()->Get(Family::kRecords, RecordKey(RecordKind::kPublic, "p2"));
  ASSERT_THAT(bytes, IsOk());
  ASSERT_TRUE(bytes->has_value());
  EXPECT_EQ(**bytes, LogKey("node-a", v1::TIER_PUBLIC, 4));
  auto record = ReadRecord(*store_->db(), RecordKey(RecordKind::kPublic, "p2"));
  ASSERT_THAT(record, IsOk());
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->origin(), "node-a");
  EXPECT_EQ((*record)->seq(), 4u);
  EXPECT_EQ((*record)->public_().id(), "p2");

  // The chain continues across a reopen.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  Put(MakeProject("p5", "Après réouverture"));
  const std::vector<LogRow> after = ReadLog(*store_);
  const LogRow* last = nullptr;
  const LogRow* previous = nullptr;
  for (const LogRow& row : after) {
    if (row.key.tier != v1::TIER_PUBLIC) continue;
    previous = last;
    last = &row;
  }
  ASSERT_NE(last, nullptr);
  ASSERT_NE(previous, nullptr);
  EXPECT_EQ(last->entry.seq(), 7u);
  EXPECT_EQ(last->entry.prev_hash(), EntryHash(previous->entry));
}

TEST(Sha256Test, KnownVectors) {
  // SHA-256("abc") and of the empty string (FIPS 180-2).
  const std::string abc = Sha256("abc");
  ASSERT_EQ(abc.size(), 32u);
  EXPECT_EQ(absl::BytesToHexString(abc), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(absl::BytesToHexString(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// ---------------------------------------------------------------------------
// Concurrency: searches run while a writer puts and deletes.

TEST_F(CatalogStoreTest, ReadersRunConcurrentlyWithWriter) {
  Put(MakeProject("stable", "Éclairage public intelligent"));
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    while (!done.load()) {
      v1::SearchRequest request;
      request.set_query("eclairage");
      auto response = store_->Search(request);
      if (!response.ok() || response->total_matches() < 1) ++failures;
      if (!store_->GetProject("stable").ok()) ++failures;
    }
  });
  for (int i = 0; i < 60; ++i) {
    const std::string id = absl::StrCat("w", i);
    // No ASSERT here: returning early would leave the reader thread running.
    EXPECT_THAT(store_->PutProject(MakeProject(id, "Éclairage adaptatif")), IsOk());
    if (i % 2 == 0) {
      EXPECT_THAT(store_->DeleteProject(id), IsOk());
    }
  }
  done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(SearchOk("eclairage").total_matches(), 31);
  EXPECT_EQ(StatsProjects(), 31);
}

// Serving a peer that catches up reads the whole log once: its blocks must
// not push out of the block cache what searches read again and again.
TEST_F(CatalogStoreTest, ReadingTheLogForAPeerLeavesTheBlockCacheAlone) {
  std::vector<v1::Project> projects;
  for (int i = 0; i < 3000; ++i) {
    projects.push_back(MakeProject("p" + std::to_string(i), "Cantine " + std::to_string(i),
                                   std::string(400, static_cast<char>('a' + i % 26))));
  }
  ASSERT_THAT(store_->Import(projects, {}).status(), IsOk());
  rocksdb::DB* raw = store_->db()->raw();
  ASSERT_TRUE(raw->Flush(rocksdb::FlushOptions(), store_->db()->family(Family::kLog)).ok());
  const auto cache_usage = [&] {
    uint64_t usage = 0;
    EXPECT_TRUE(raw->GetIntProperty(store_->db()->family(Family::kLog), "rocksdb.block-cache-usage", &usage));
    return usage;
  };
  const uint64_t before = cache_usage();
  uint64_t last_seq = 0, entries = 0, bytes = 0;
  for (uint64_t after = 0;; after = last_seq) {
    auto run = store_->ReadLogSerialized("node-a", v1::TIER_PUBLIC, after, 1000, &last_seq);
    ASSERT_THAT(run, IsOk());
    if (run->empty()) break;
    entries += run->size();
    for (const std::string& e : *run) bytes += e.size();
  }
  EXPECT_EQ(entries, 3000u);
  EXPECT_GT(bytes, 1'000'000u);  // the log is much larger than what the cache may gain
  EXPECT_LT(cache_usage() - before, bytes / 10);
}

// ---------------------------------------------------------------------------
// Sizes: unknown fields, caps, pages bounded in bytes

// Text of `chars` characters of 4 bytes each: within the character limits,
// four times their size in bytes.
std::string WideText(size_t chars) {
  std::string text;
  for (size_t i = 0; i < chars; ++i) text += "\U0001F30A";
  return text;
}

TEST_F(CatalogStoreTest, UnknownFieldsAndOversizedRecordsAreRefusedAndWriteNothing) {
  v1::Project project = FullProject("p1");
  UnknownFieldsOf(project.mutable_public_())->AddLengthDelimited(99, std::string(100000, 'x'));
  EXPECT_THAT(store_->PutProject(project),
              StatusIs(absl::StatusCode::kInvalidArgument, "public.field 99: unknown field"));
  EXPECT_THAT(store_->Import({project}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("record 1 (id p1): public.field 99")));

  project = FullProject("p1");
  project.mutable_public_()->set_summary_fr(WideText(kMaxSummaryChars));
  project.mutable_public_()->set_summary_en(WideText(kMaxSummaryChars));
  EXPECT_THAT(store_->PutProject(project),
              StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("public: "), HasSubstr("at most 131072"))));
  EXPECT_THAT(store_->GetProject("p1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Keys(*store_, Family::kLog), IsEmpty());

  Put(FullProject("p1"));
  v1::Feedback feedback = MakeFeedback("p1", "Trop long");
  UnknownFieldsOf(&feedback)->AddVarint(50, 1);
  EXPECT_THAT(store_->AddFeedback(feedback),
              StatusIs(absl::StatusCode::kInvalidArgument, "feedback.field 50: unknown field"));
  feedback = MakeFeedback("p1", WideText(kMaxTextChars));
  EXPECT_THAT(store_->AddFeedback(feedback),
              StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("feedback: "), HasSubstr("at most 65536"))));
  EXPECT_THAT(store_->Import({}, {feedback}), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("feedback 1")));
  EXPECT_EQ(StatsFeedback(), 0);
}

TEST_F(CatalogStoreTest, ImportRefusesMoreFeedbackThanTheCap) {
  Put(FullProject("p1"));
  std::vector<v1::Feedback> feedback(kMaxImportFeedback + 1, MakeFeedback("p1", "Un retour"));
  EXPECT_THAT(store_->Import({}, feedback),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(absl::StrCat("at most ", kMaxImportFeedback))));
  EXPECT_EQ(StatsFeedback(), 0);
  feedback.resize(3);
  for (size_t i = 0; i < feedback.size(); ++i) feedback[i].set_text(absl::StrCat("Retour ", i));
  auto imported = store_->Import({}, feedback);
  ASSERT_THAT(imported, IsOk());
  EXPECT_EQ(imported->feedback(), 3);
}

// Projects whose public facets hold ~80 kB each, all matching "lagune".
class BigPagesTest : public CatalogStoreTest {
 protected:
  static constexpr int kProjects = 30;

  void SetUp() override {
    CatalogStoreTest::SetUp();
    std::vector<v1::Project> projects;
    for (int i = 0; i < kProjects; ++i) {
      v1::Project p = MakeProject(absl::StrCat("big-", i < 10 ? "0" : "", i), absl::StrCat("Lagune ", i));
      p.mutable_public_()->set_summary_fr(WideText(kMaxSummaryChars));
      projects.push_back(std::move(p));
      expected_.push_back(projects.back().public_().id());
    }
    ASSERT_THAT(store_->Import(projects, {}), IsOk());
  }

  std::vector<std::string> expected_;  // in id order
};

// Each page holds at most kMaxResponseBytes of projects, however many were
// asked for, and its token leads on without losing or repeating one.
TEST_F(BigPagesTest, SearchPagesStopAtTheByteBudgetAndContinue) {
  std::vector<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    v1::SearchResponse page = SearchOk("lagune", {}, 100, token);
    ++pages;
    EXPECT_EQ(page.total_matches(), kProjects);
    size_t bytes = 0;
    for (const auto& hit : page.hits()) {
      bytes += hit.project().ByteSizeLong();
      EXPECT_FALSE(hit.project().summary_fr().empty()) << "hits carry whole public facets";
      ids.push_back(hit.project().id());
    }
    EXPECT_LE(bytes, kMaxResponseBytes);
    EXPECT_GT(page.hits_size(), 1);
    if (!page.next_page_token().empty()) {
      EXPECT_LT(page.hits_size(), kProjects) << "cut by bytes, not by page_size";
    }
    token = page.next_page_token();
  } while (!token.empty() && pages < kProjects);
  EXPECT_GT(pages, 1);
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, expected_) << "every hit exactly once";
}

TEST_F(BigPagesTest, ListProjectsPagesStopAtTheByteBudgetAndContinue) {
  std::vector<std::string> ids;
  v1::ListProjectsRequest request;
  request.set_page_size(500);
  int pages = 0;
  while (pages < kProjects) {
    auto page = store_->ListProjects(request);
    ASSERT_THAT(page, IsOk());
    ++pages;
    size_t bytes = 0;
    for (const auto& p : page->projects()) {
      bytes += p.ByteSizeLong();
      ids.push_back(p.id());
    }
    EXPECT_LE(bytes, kMaxResponseBytes);
    EXPECT_GT(page->projects_size(), 1);
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_GT(pages, 1);
  EXPECT_EQ(ids, expected_) << "in id order, each once";
}

// ListFeedback pages: page_size items (default 50) or kMaxResponseBytes,
// oldest first across pages, each item once.
TEST_F(CatalogStoreTest, ListFeedbackPagesFollowEachOtherInOrder) {
  Put(FullProject("p1"));
  Put(FullProject("p2"));
  std::vector<v1::Feedback> feedback;
  for (int i = 0; i < 120; ++i) feedback.push_back(MakeFeedback("p1", absl::StrCat("Retour numéro ", i)));
  feedback.push_back(MakeFeedback("p2", "Un autre projet"));
  ASSERT_THAT(store_->Import({}, feedback), IsOk());
  auto all = store_->ListFeedback("p1");
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 120u);
  std::vector<std::string> want;
  for (const v1::Feedback& f : *all) want.push_back(f.id());

  for (int page_size : {0, 1, 7, 50, 119, 120, 500}) {
    SCOPED_TRACE(absl::StrCat("page size ", page_size));
    v1::ListFeedbackRequest request;
    request.set_project_id("p1");
    request.set_page_size(page_size);
    std::vector<std::string> got;
    std::vector<int> sizes;
    for (int pages = 0; pages <= 120; ++pages) {
      auto page = store_->ListFeedback(request);
      ASSERT_THAT(page, IsOk());
      sizes.push_back(page->feedback_size());
      for (const v1::Feedback& f : page->feedback()) got.push_back(f.id());
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    EXPECT_EQ(got, want);
    const int per_page = page_size == 0 ? kDefaultFeedbackPageSize : page_size;
    EXPECT_EQ(sizes.size(), static_cast<size_t>((120 + per_page - 1) / per_page));
  }

  v1::ListFeedbackRequest bad;
  bad.set_project_id("p1");
  bad.set_page_size(kMaxFeedbackPageSize + 1);
  EXPECT_THAT(store_->ListFeedback(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  bad.set_page_size(-1);
  EXPECT_THAT(store_->ListFeedback(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  bad.set_page_size(0);
  for (const char* token : {"garbage", "1.2", "x.1.node-a", "1.y.node-a", "1.2.Bad/Origin"}) {
    bad.set_page_token(token);
    EXPECT_THAT(store_->ListFeedback(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")))
        << token;
  }
  bad.set_page_token("");
  bad.set_project_id("Bad/Id");
  EXPECT_THAT(store_->ListFeedback(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("project_id")));
}

TEST_F(CatalogStoreTest, ListFeedbackPagesStopAtTheByteBudget) {
  Put(FullProject("p1"));
  std::vector<v1::Feedback> feedback;
  for (int i = 0; i < 40; ++i) {
    feedback.push_back(MakeFeedback("p1", absl::StrCat(i, WideText(15000))));  // ~60 kB each
  }
  ASSERT_THAT(store_->Import({}, feedback), IsOk());
  v1::ListFeedbackRequest request;
  request.set_project_id("p1");
  request.set_page_size(kMaxFeedbackPageSize);
  std::set<std::string> seen;
  int pages = 0;
  while (pages < 40) {
    auto page = store_->ListFeedback(request);
    ASSERT_THAT(page, IsOk());
    ++pages;
    size_t bytes = 0;
    for (const v1::Feedback& f : page->feedback()) {
      bytes += f.ByteSizeLong();
      EXPECT_TRUE(seen.insert(f.id()).second) << f.id() << " listed twice";
    }
    EXPECT_LE(bytes, kMaxResponseBytes);
    EXPECT_GT(page->feedback_size(), 1);
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  EXPECT_GE(pages, 3);
  EXPECT_EQ(seen.size(), 40u);
}

// ---------------------------------------------------------------------------
// Facets a write may change (the caller's tier, decided by access/)

TEST_F(CatalogStoreTest, APutLimitedToThePublicFacetKeepsTheOthers) {
  const v1::Project full = FullProject("p1");
  Put(full);
  const uint64_t restricted_seq = FrontierSeq(*store_, v1::TIER_RESTRICTED);
  const uint64_t expert_seq = FrontierSeq(*store_, v1::TIER_EXPERT);

  v1::Project public_only;
  *public_only.mutable_public_() = full.public_();
  public_only.mutable_public_()->set_title_fr("Détection de fuites, saison 2");
  auto put = store_->PutProject(public_only, kPublicFacet);
  ASSERT_THAT(put, IsOk());
  EXPECT_FALSE(put->created);
  EXPECT_TRUE(put->changed);
  auto got = store_->GetProject("p1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->public_().title_fr(), "Détection de fuites, saison 2");
  EXPECT_TRUE(MessageDifferencer::Equals(got->restricted(), [&] {
    v1::ProjectRestricted r = full.restricted();
    r.set_id("p1");
    return r;
  }())) << got->restricted().ShortDebugString();
  EXPECT_EQ(got->expert().source_repository(), full.expert().source_repository());
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_RESTRICTED), restricted_seq);
  EXPECT_EQ(FrontierSeq(*store_, v1::TIER_EXPERT), expert_seq);

  // Restricted included: the restricted facet is replaced (here removed),
  // the expert one kept.
  put = store_->PutProject(public_only, kPublicFacet | kRestrictedFacet);
  ASSERT_THAT(put, IsOk());
  EXPECT_TRUE(put->changed);
  got = store_->GetProject("p1");
  ASSERT_THAT(got, IsOk());
  EXPECT_FALSE(got->has_restricted());
  EXPECT_TRUE(got->has_expert());
}

TEST_F(CatalogStoreTest, UnchangedComparesOnlyTheWritableFacets) {
  const v1::Project full = FullProject("p1");
  Put(full);
  const size_t log_size = ReadLog(*store_).size();
  v1::Project public_only;
  *public_only.mutable_public_() = full.public_();
  auto put = store_->PutProject(public_only, kPublicFacet);
  ASSERT_THAT(put, IsOk());
  EXPECT_FALSE(put->changed) << "the public facet is as stored; the others are not the writer's to compare";
  EXPECT_EQ(ReadLog(*store_).size(), log_size);
  // With every facet writable, leaving two unset removes them: a change.
  put = store_->PutProject(public_only, kAllFacets);
  ASSERT_THAT(put, IsOk());
  EXPECT_TRUE(put->changed);
}

TEST_F(CatalogStoreTest, AFacetOutsideTheMaskIsRefusedAndNothingWritten) {
  Put(MakeProject("p1", "Titre"));
  const size_t log_size = ReadLog(*store_).size();
  EXPECT_THAT(store_->PutProject(FullProject("p1"), kPublicFacet),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("restricted")));
  v1::Project expert = FullProject("p1");
  expert.clear_restricted();
  EXPECT_THAT(store_->PutProject(expert, kPublicFacet | kRestrictedFacet),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("expert")));
  EXPECT_THAT(store_->Import({MakeProject("p2", "Autre"), FullProject("p1")}, {}, kPublicFacet),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("record 2 (id p1): restricted")));
  EXPECT_EQ(ReadLog(*store_).size(), log_size);
  EXPECT_THAT(store_->GetProject("p2"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(CatalogStoreTest, AnImportLimitedToThePublicFacetMergesAsAPut) {
  const v1::Project full = FullProject("p1");
  Put(full);
  v1::Project public_only;
  *public_only.mutable_public_() = full.public_();
  public_only.mutable_public_()->set_title_en("Leak detection, season 2");
  auto imported = store_->Import({public_only, MakeProject("p2", "Nouveau")}, {}, kPublicFacet);
  ASSERT_THAT(imported, IsOk());
  EXPECT_EQ(imported->imported(), 2);
  EXPECT_EQ(imported->created(), 1);
  auto got = store_->GetProject("p1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->public_().title_en(), "Leak detection, season 2");
  EXPECT_EQ(got->restricted().budget_eur(), full.restricted().budget_eur());
  EXPECT_EQ(got->expert().license(), full.expert().license());
}

}  // namespace
}  // namespace bibia::catalog
