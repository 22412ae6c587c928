// Each stage of search on its own: stemming, elisions and question words,
// thesaurus expansion, edit distance, and the ranking order of the kinds of
// match (exact > stem > synonym; typos only for words the index lacks), then
// re-indexing on open when the index format changes.
#include <string>
#include <vector>

#include "catalog/store.h"
#include "catalog/edit_distance.h"
#include "catalog/keys.h"
#include "catalog/query_parser.h"
#include "catalog/stemmer.h"
#include "catalog/thesaurus.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/status_matchers.h"
#include "tests/catalog/store_test_util.h"

namespace bibia::catalog {
namespace {

using ::bibia::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Terms(const std::vector<QueryConcept>& concepts) {
  std::vector<std::string> out;
  for (const QueryConcept& c : concepts) {
    for (const QueryWord& w : c.words) out.push_back(w.term);
  }
  return out;
}

TEST(StemmerTest, FrenchAndEnglishFoldInflections) {
  EXPECT_EQ(Stem(StemLanguage::kFrench, "detection"), Stem(StemLanguage::kFrench, "detecter"));
  EXPECT_EQ(Stem(StemLanguage::kFrench, "prevision"), Stem(StemLanguage::kFrench, "previsions"));
  EXPECT_EQ(Stem(StemLanguage::kEnglish, "predicting"), "predict");
  EXPECT_EQ(Stem(StemLanguage::kEnglish, "planting"), Stem(StemLanguage::kEnglish, "plant"));
  // The cache gives the same answer the second time.
  EXPECT_EQ(Stem(StemLanguage::kEnglish, "predicting"), "predict");
}

TEST(QueryParserTest, ElisionsStopAndQuestionWordsAreNotSearched) {
  const Thesaurus none = Thesaurus::Parse("");
  EXPECT_THAT(Terms(ParseQuery("comment réduire l'usage qu'on fait jusqu'au soir ?", none)),
              ElementsAre("reduire", "usage", "fait", "soir"));
  EXPECT_THAT(Terms(ParseQuery("how to detect what leaks", none)), ElementsAre("detect", "leak"));
  EXPECT_THAT(Terms(ParseQuery("quelles collectivités", none)), ElementsAre("collectivite"));
  EXPECT_THAT(ParseQuery("quels sont les", none), IsEmpty());
  EXPECT_TRUE(IsQueryStopWord("quels"));
  EXPECT_TRUE(IsQueryStopWord("l"));
  EXPECT_FALSE(IsQueryStopWord("eau"));
}

TEST(QueryParserTest, PrefixOnlyForTheOpenLastWordFromFourLettersAndNeverForAcronyms) {
  const Thesaurus none = Thesaurus::Parse("");
  auto q = ParseQuery("fuite canalis", none);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_FALSE(q[0].words[0].prefix);
  EXPECT_TRUE(q[1].words[0].prefix);
  EXPECT_FALSE(ParseQuery("fuite canalis ", none)[1].words[0].prefix);  // completed by a space
  EXPECT_FALSE(ParseQuery("plu", none)[0].words[0].prefix);             // 3 letters
  const auto acronym = ParseQuery("PLU", none);
  EXPECT_TRUE(acronym[0].words[0].acronym);
  EXPECT_FALSE(acronym[0].words[0].prefix);
  EXPECT_FALSE(ParseQuery("Plu", none)[0].words[0].acronym);
}

TEST(ThesaurusTest, ExpandsTheLongestTermWithItsSynonyms) {
  const Thesaurus t = Thesaurus::Parse(
      "# comment\n"
      "\n"
      "images aériennes | orthophotographies | aerial imagery\n"
      "images | pictures\n");
  EXPECT_EQ(t.size(), 2u);
  const auto concepts = ParseQuery("des images aériennes récentes", t);
  ASSERT_EQ(concepts.size(), 2u);
  EXPECT_EQ(concepts[0].words.size(), 2u);  // one concept for the two words
  EXPECT_THAT(concepts[0].synonyms, UnorderedElementsAre(std::vector<std::string>{"orthophotographie"},
                                                        std::vector<std::string>{"aerial", "imagery"}));
  EXPECT_THAT(concepts[1].synonyms, IsEmpty());
  // The shorter term where the longer does not follow; inflections meet.
  const auto single = ParseQuery("image", t);
  ASSERT_EQ(single.size(), 1u);
  EXPECT_THAT(single[0].synonyms, ElementsAre(std::vector<std::string>{"picture"}));
}

TEST(ThesaurusTest, TheShippedThesaurusIsCompiledIn) {
  const Thesaurus& t = FieldThesaurus();
  EXPECT_GE(t.size(), 100u);
  const auto concepts = ParseQuery("collecte des encombrants", t);
  bool bulky = false;
  for (const QueryConcept& c : concepts) {
    for (const auto& s : c.synonyms) bulky = bulky || s == std::vector<std::string>{"bulky", "waste"};
  }
  EXPECT_TRUE(bulky);
}

TEST(EditDistanceTest, CountsTranspositionsAsOneAndStopsPastTheBound) {
  EXPECT_EQ(BoundedEditDistance("solaries", "solaires", 1), 1);
  EXPECT_EQ(BoundedEditDistance("stationement", "stationnement", 2), 1);
  EXPECT_EQ(BoundedEditDistance("pollutoin", "pollution", 2), 1);
  EXPECT_EQ(BoundedEditDistance("wastewatter", "wastewater", 2), 1);
  EXPECT_EQ(BoundedEditDistance("canal", "canal", 1), 0);
  EXPECT_EQ(BoundedEditDistance("abcdef", "uvwxyz", 2), 3);
  EXPECT_EQ(BoundedEditDistance("abc", "abcdef", 2), 3);
  EXPECT_EQ(BoundedEditDistance("", "ab", 2), 2);
  EXPECT_EQ(AllowedTypos(4), 0);
  EXPECT_EQ(AllowedTypos(5), 1);
  EXPECT_EQ(AllowedTypos(9), 2);
  // One edit changes at most two letter bits.
  EXPECT_LE(__builtin_popcount(LetterMask("solaries") ^ LetterMask("solairez")), 2);
}

class SearchRankingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.clock = &clock_;
    options_.db.sync_writes = false;
    Open();
  }
  void Open() {
    store_.reset();
    auto store = Store::Open(dir_.path(), options_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(store).value();
  }
  void Put(const std::string& id, const std::string& title) {
    ASSERT_THAT(store_->PutProject(MakeProject(id, title)), IsOk()) << id;
  }
  v1::SearchResponse Search(const std::string& query) {
    v1::SearchRequest request;
    request.set_query(query);
    auto response = store_->Search(request);
    EXPECT_THAT(response, IsOk()) << query;
    return response.ok() ? *response : v1::SearchResponse();
  }
  static std::vector<std::string> Ids(const v1::SearchResponse& r) {
    std::vector<std::string> ids;
    for (const auto& h : r.hits()) ids.push_back(h.project().id());
    return ids;
  }

  ScopedTempDir dir_;
  FakeClock clock_;
  Store::Options options_;
  std::unique_ptr<Store> store_;
};

TEST_F(SearchRankingTest, ExactBeforeStemBeforeSynonym) {
  // Documents alike but for the word: same length, same other words.
  Put("synonym", "Repérage des fuites");
  Put("stem", "Détecter les fuites");
  Put("exact", "Détection des fuites");
  Put("unrelated", "Tri des déchets");
  const v1::SearchResponse r = Search("détection ");
  EXPECT_THAT(Ids(r), ElementsAre("exact", "stem", "synonym"));
  ASSERT_EQ(r.hits_size(), 3);
  EXPECT_GT(r.hits(0).score(), r.hits(1).score());
  EXPECT_GT(r.hits(1).score(), r.hits(2).score());
}

TEST_F(SearchRankingTest, PrefixBelowExactAndTyposOnlyForWordsTheIndexLacks) {
  Put("canal", "Canal du Midi");
  Put("canel", "Canel du Midi");
  Put("canalisation", "Canalisation du Midi");
  // An indexed word is never replaced by its neighbours.
  EXPECT_THAT(Ids(Search("canal ")), ElementsAre("canal"));
  // A word the index lacks matches the words one edit away (5+ letters).
  EXPECT_THAT(Ids(Search("canol ")), UnorderedElementsAre("canal", "canel"));
  // Not below 5 letters, but suggested.
  const v1::SearchResponse short_word = Search("cana ");
  EXPECT_THAT(Ids(short_word), IsEmpty());
  EXPECT_EQ(short_word.suggestion(), "canal");
  // A prefix match ranks below the exact word.
  EXPECT_THAT(Ids(Search("canal")), ElementsAre("canal", "canalisation"));
}

TEST_F(SearchRankingTest, DidYouMeanWhenNothingMatches) {
  Put("p1", "Parking intelligent");
  // Two edits in 10 letters: within typo tolerance, found.
  EXPECT_THAT(Ids(Search("inteligant ")), ElementsAre("p1"));
  // Two edits in 7 letters: beyond it; suggested instead.
  const v1::SearchResponse r = Search("prakign ");
  EXPECT_EQ(r.total_matches(), 0);
  EXPECT_EQ(r.suggestion(), "parking");
  EXPECT_EQ(Search("zzzzzz ").suggestion(), "");
}

TEST_F(SearchRankingTest, ReindexesOnOpenWhenTheFormatChanges) {
  Put("p1", "Détection des fuites");
  Put("p2", "Parking intelligent");
  // An index of another format: its stems are missing.
  rocksdb::WriteBatch batch;
  batch.Put(store_->db()->family(Family::kIndex), std::string(kIndexFormatKey), "2");
  batch.Delete(store_->db()->family(Family::kIndex), TermKey("~detect"));
  ASSERT_THAT(store_->db()->Write(&batch), IsOk());
  std::vector<std::pair<int64_t, int64_t>> progress;
  options_.reindex_progress = [&](int64_t done, int64_t total) { progress.emplace_back(done, total); };
  Open();
  EXPECT_THAT(progress, ElementsAre(std::pair<int64_t, int64_t>{2, 2}));
  EXPECT_THAT(Ids(Search("détecter ")), ElementsAre("p1"));
  EXPECT_THAT(Ids(Search("parking ")), ElementsAre("p2"));
  // Once: the next open finds the current format.
  progress.clear();
  Open();
  EXPECT_THAT(progress, IsEmpty());
  EXPECT_THAT(Ids(Search("détecter ")), ElementsAre("p1"));
}

}  // namespace
}  // namespace bibia::catalog
