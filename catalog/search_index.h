// Full-text and facet search over the public facet of projects. Postings live
// in RocksDB (index family, merged by posting_list.h); the per-document rows
// that ranking and facets need (length, domain, status, region, collectivity,
// techniques) and the vocabulary of indexed words (for typo tolerance) are
// loaded into memory at open. Each word is indexed as itself (plural folded)
// and under its Snowball stems ("~stem"). A query's words are matched exactly,
// by stem, by prefix, through the thesaurus or within a typo or two, ranked in
// that order; see docs/search.md. Only public fields are indexed: a public
// query must not be able to learn restricted text through which projects match.
#ifndef BIBIA_CATALOG_SEARCH_INDEX_H_
#define BIBIA_CATALOG_SEARCH_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "absl/synchronization/mutex.h"
#include "bibia/v1/catalog.pb.h"
#include "bibia/v1/project.pb.h"
#include "bibia/v1/storage.pb.h"
#include "catalog/db.h"
#include "catalog/posting_list.h"
#include "catalog/term_table.h"

namespace bibia::catalog {

// Field weights of BM25: a word in a title counts three times.
inline constexpr uint32_t kTitleWeight = 3;
inline constexpr uint32_t kTagWeight = 2;
inline constexpr uint32_t kSummaryWeight = 1;
inline constexpr uint32_t kCollectivityWeight = 2;
inline constexpr uint32_t kPlaceWeight = 1;  // region, data sources
// The version of what the index holds (terms, fields, stems). A store whose
// index is of another version is re-indexed on open (Store::Open).
inline constexpr std::string_view kIndexFormat = "3";
// Most indexed words a misspelt query word is matched to, and most
// vocabulary entries compared per word.
inline constexpr int kMaxTypoCandidates = 8;
inline constexpr size_t kMaxTypoScan = 200000;
// Most values listed per facet (the most frequent); counts cover all matches.
inline constexpr int kMaxFacetValues = 30;
// Most terms a last-word prefix expands to; more are ignored (documented).
inline constexpr int kMaxPrefixExpansion = 128;

// The weighted term frequencies of a document and its weighted length. The
// terms are views into the document's folded text, held alongside: one
// allocation per document instead of one per word. Movable, not copyable.
struct DocTerms {
  DocTerms() = default;
  DocTerms(DocTerms&&) = default;
  DocTerms& operator=(DocTerms&&) = default;
  DocTerms(const DocTerms&) = delete;
  DocTerms& operator=(const DocTerms&) = delete;

  std::unique_ptr<char[]> text;  // a heap block: moving DocTerms keeps the views valid
  // absl::string_view: Abseil's own hash (Debian's Abseil hashes a
  // std::string_view through std::hash, about twice as slow here).
  absl::flat_hash_map<absl::string_view, uint32_t> tf;
  uint32_t length = 0;
};
DocTerms ExtractTerms(const v1::ProjectPublic& project);

// The terms of a run of documents grouped by term, with each document known
// by its slot (its position in the run). Built off the writer's path (by a
// receiver verifying the run), tokenizing each document straight into the
// run's lists: staging the run's new documents into the index is then one
// posting list append per distinct term. Movable, not copyable.
class GroupedTerms {
 public:
  // Tokenizes `doc` as the document in `slot` (slots in increasing order);
  // returns its weighted length.
  uint32_t AddDocument(uint32_t slot, const v1::ProjectPublic& doc);
  bool empty() const { return terms_.size() == 0; }

 private:
  friend class SearchIndex;
  struct TermPosting {
    uint32_t term;  // id in terms_
    Posting posting;  // Posting.doc: the slot
  };
  std::vector<std::unique_ptr<char[]>> text_;  // the folded terms the table's views point into
  std::string scratch_;
  TermTable terms_;
  std::vector<uint32_t> postings_of_;  // by term: how many postings
  std::vector<uint32_t> latest_;  // by term: index in postings_ of its latest posting
  // In document order, all terms mixed: one growing array instead of one per term.
  std::vector<TermPosting> postings_;
};

// Changes staged into a WriteBatch and applied to memory once it committed.
class IndexChanges {
 public:
  bool empty() const { return rows_.empty(); }

 private:
  friend class SearchIndex;
  OperandBuilder& Operand(absl::string_view term) { return operands_[term]; }
  // Rows by docnum in staging order (nullopt: deleted), so that a document
  // deleted and created again in one batch, or the reverse, ends as it should.
  std::vector<std::pair<uint32_t, std::optional<v1::IndexedDoc>>> rows_;
  std::optional<uint32_t> next_docnum_;  // set once a docnum is allocated
  // term -> postings of this batch (several documents share one operand).
  absl::flat_hash_map<std::string, OperandBuilder> operands_;
  absl::flat_hash_map<std::string, uint32_t> new_ids_;  // ids first seen in this batch
  std::vector<std::string> new_words_;  // words new to the vocabulary, set by Flush
};

class SearchIndex {
 public:
  // Loads the document rows and the vocabulary of `db` into memory. `db`
  // must outlive the index. An empty index is stamped with kIndexFormat.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Load(Db* db);
  // True if the stored index is of another format than kIndexFormat: the
  // caller re-indexes (StageClear, Load again, StageUpsert of every
  // document, then StageFormat).
  bool stale() const { return stale_; }
  // Stages into `batch` the removal of the whole stored index, marked as
  // not rebuilt yet (stale on the next Load).
  void StageClear(rocksdb::WriteBatch* batch) const;
  // Stages into `batch` the mark that the index is of kIndexFormat.
  void StageFormat(rocksdb::WriteBatch* batch) const;

  // Stages into `batch` (and `changes`) the indexing of `doc`, replacing
  // `old` (the stored public facet of the same id, or null if new).
  // REQUIRES: the caller serialises writers; `changes` is applied with Apply
  // after `batch` committed, before the next Stage call of another batch.
  void StageUpsert(const v1::ProjectPublic* old, const v1::ProjectPublic& doc, IndexChanges* changes);
  // The same with `terms` = ExtractTerms(doc), computed beforehand.
  void StageUpsert(const v1::ProjectPublic* old, const v1::ProjectPublic& doc, const DocTerms& terms,
                   IndexChanges* changes);
  // Stages the row of `doc`, which is not in the index, of weighted length
  // `length`, and returns its docnum; its terms are staged by StageGroupedTerms.
  uint32_t StageNewRow(const v1::ProjectPublic& doc, uint32_t length, IndexChanges* changes);
  // Stages the postings of `grouped` whose slot has a docnum in `docnums`
  // (kNoDocnum: left out). Of the same REQUIRES as StageUpsert.
  static constexpr uint32_t kNoDocnum = UINT32_MAX;
  void StageGroupedTerms(const GroupedTerms& grouped, absl::Span<const uint32_t> docnums,
                         IndexChanges* changes) const;
  // Stages the removal of `old` from the index.
  void StageDelete(const v1::ProjectPublic& old, IndexChanges* changes);
  // Writes the staged operands into `batch`. Call once, after all Stage calls.
  void Flush(IndexChanges* changes, rocksdb::WriteBatch* batch) const;
  // Makes committed changes visible to searches.
  void Apply(const IndexChanges& changes);

  // Runs a search. Errors: INVALID_ARGUMENT for an empty or stop-word-only
  // query or a bad page token. If `hit_tokens` is given, it gets for each
  // hit the page token of the page that would start after it (for a caller
  // that cuts the page short). Thread-safe.
  absl::StatusOr<v1::SearchResponse> Search(const v1::SearchRequest& request,
                                            std::vector<std::string>* hit_tokens = nullptr) const;

  // Ids of projects matching `filter`, in id order, strictly after `after`,
  // at most `limit`; `more` tells whether any remain. Thread-safe.
  std::vector<std::string> ListIds(const v1::ProjectFilter& filter, std::string_view after, size_t limit,
                                   bool* more) const;

  // Counts of documents per domain, status and region. Thread-safe.
  void CountFacets(v1::StatsResponse* stats) const;
  int64_t document_count() const;
  int64_t collectivity_count() const;

 private:
  // Compact in-memory row of one document; strings are interned as ordinals.
  // Kept small and inline: a search touches the row of every match, and a
  // cache miss per row is what its latency is made of.
  struct Doc {
    bool live = false;
    uint8_t domain = v1::DOMAIN_UNSPECIFIED;
    uint8_t status = v1::STATUS_UNSPECIFIED;
    uint32_t length = 0;
    uint32_t region = 0;
    uint32_t collectivity = 0;
    absl::InlinedVector<uint32_t, 3> techniques;
  };
  struct Match {
    double score;
    uint32_t doc;
  };

  explicit SearchIndex(Db* db) : db_(db) {}
  uint32_t Intern(const std::string& value) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetDoc(uint32_t docnum, const v1::IndexedDoc& row) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A filter with its region, collectivity and technique resolved once per
  // request to the interned values each matches (unset: no condition).
  struct ResolvedFilter {
    v1::Domain domain = v1::DOMAIN_UNSPECIFIED;
    v1::Status status = v1::STATUS_UNSPECIFIED;
    std::optional<absl::flat_hash_set<uint32_t>> regions, collectivities, techniques;
  };
  ResolvedFilter Resolve(const v1::ProjectFilter& filter) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The interned values whose words contain the words of `text`, in order
  // and next to each other ("nantes" is in "Ville de Nantes" and in "Nantes
  // Métropole"; "de nantes" only in the first).
  absl::flat_hash_set<uint32_t> ValuesContaining(const std::string& text) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool Accepts(const Doc& doc, const ResolvedFilter& filter) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  uint32_t DocnumFor(const std::string& id, IndexChanges* changes) const ABSL_LOCKS_EXCLUDED(mu_);
  void StageTerms(uint32_t docnum, const DocTerms* old_terms, const DocTerms& new_terms,
                  IndexChanges* changes) const;

  // Query planning (search_index.cc): the posting lists of a query.
  struct Plan;
  // Indexed words within AllowedTypos(word) edits of `word` (at most
  // kMaxTypoCandidates, closest first), or within `max_edits` if >= 0.
  std::vector<std::pair<std::string, int>> TypoCandidates(const std::string& word, int max_edits) const
      ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::pair<std::string, int>> TypoCandidatesLocked(const std::string& word, int max_edits) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void AddWord(const std::string& word) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Db* const db_;
  bool stale_ = false;
  mutable absl::Mutex mu_;
  // The indexed words (not stems), by length, with their letter masks: the
  // typo candidate scan reads only the lengths within reach.
  struct VocabWord {
    uint32_t mask;
    std::string word;
  };
  std::vector<std::vector<VocabWord>> vocab_by_length_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> vocab_ ABSL_GUARDED_BY(mu_);
  std::vector<Doc> docs_ ABSL_GUARDED_BY(mu_);  // by docnum
  std::vector<std::string> doc_ids_ ABSL_GUARDED_BY(mu_);  // by docnum, apart: only page fills read them
  absl::btree_map<std::string, uint32_t> ids_ ABSL_GUARDED_BY(mu_);  // live id -> docnum
  uint32_t next_docnum_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t total_length_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> strings_ ABSL_GUARDED_BY(mu_) = {""};
  std::vector<std::vector<std::string>> string_words_ ABSL_GUARDED_BY(mu_) = {{}};  // by ordinal: folded words
  absl::flat_hash_map<std::string, uint32_t> string_ids_ ABSL_GUARDED_BY(mu_) = {{"", 0}};
};

}  // namespace bibia::catalog

#endif  // BIBIA_CATALOG_SEARCH_INDEX_H_
