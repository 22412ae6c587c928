#include "catalog/search_index.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/str_join.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "catalog/enum_names.h"
#include "catalog/keys.h"
#include "catalog/posting_list.h"
#include "catalog/edit_distance.h"
#include "catalog/query_parser.h"
#include "catalog/status_macros.h"
#include "catalog/stemmer.h"
#include "catalog/thesaurus.h"
#include "catalog/tokenizer.h"
#include "catalog/validate.h"

namespace bibia::catalog {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr std::string_view kNextDocnumKey = "n";
// The first byte of a stem term: not a word byte, so stems never mix with
// words (nor with a word prefix's scan).
constexpr char kStemMark = '~';
// Weights of the kinds of match (docs/search.md): exact > stem > prefix >
// synonym > typo, for the same word in documents alike.
constexpr double kStemWeight = 0.8;
constexpr double kPrefixWeight = 0.7;
constexpr double kSynonymWeight = 0.6;
constexpr double kTypoWeight = 0.5;

// Languages whose stems a field is indexed under.
enum StemLanguages : int { kNoStems = 0, kFrench = 1, kEnglish = 2, kBothLanguages = 3 };

// Calls `term(term, weight, counts)` for each index term of `project`'s
// indexed fields, folding them through `scratch`: each word (plural folded,
// `counts` true: it counts in the document's length) then its stems in the
// field's languages that differ from it, as "~stem" (`counts` false).
template <typename F>
void ForEachWeightedTerm(const v1::ProjectPublic& project, std::string* scratch, F&& term) {
  std::string stem;
  const auto field = [&](const std::string& text, uint32_t weight, int languages) {
    ForEachIndexTerm(text, scratch, [&](std::string_view t) {
      term(t, weight, true);
      if (languages == kNoStems) return;
      // The two languages' stems live in separate caches: `fr` stays valid
      // while the English stem is computed.
      std::string_view fr;
      if (languages & kFrench) {
        fr = Stem(StemLanguage::kFrench, t);
        if (fr == t || fr.size() > t.size()) fr = {};
        if (!fr.empty()) {
          stem.assign(1, kStemMark).append(fr);
          term(std::string_view(stem), weight, false);
        }
      }
      if (languages & kEnglish) {
        const std::string_view en = Stem(StemLanguage::kEnglish, t);
        if (en != t && en != fr && en.size() <= t.size()) {
          stem.assign(1, kStemMark).append(en);
          term(std::string_view(stem), weight, false);
        }
      }
    });
  };
  field(project.title_fr(), kTitleWeight, kFrench);
  field(project.title_en(), kTitleWeight, kEnglish);
  field(project.summary_fr(), kSummaryWeight, kFrench);
  field(project.summary_en(), kSummaryWeight, kEnglish);
  for (const auto& tag : project.tags()) field(tag, kTagWeight, kBothLanguages);
  for (const auto& technique : project.techniques()) field(technique, kTagWeight, kBothLanguages);
  for (const auto& source : project.data_sources()) field(source, kPlaceWeight, kBothLanguages);
  field(project.collectivity().name(), kCollectivityWeight, kNoStems);
  field(project.collectivity().region(), kPlaceWeight, kNoStems);
}

// A bound on the bytes of `project`'s index terms: folding never makes text
// longer, words are separated by at least a byte (so words plus one byte each
// fit in a field's bytes plus one), and each word adds at most two stems no
// longer than it plus their mark. Sets `longest` to the longest field.
size_t IndexedBytes(const v1::ProjectPublic& project, size_t* longest) {
  size_t bytes = 0;
  *longest = 0;
  const auto count = [&](const std::string& field) {
    bytes += field.size() + 1;
    *longest = std::max(*longest, field.size());
  };
  count(project.title_fr());
  count(project.title_en());
  count(project.summary_fr());
  count(project.summary_en());
  for (const auto& tag : project.tags()) count(tag);
  for (const auto& technique : project.techniques()) count(technique);
  for (const auto& source : project.data_sources()) count(source);
  count(project.collectivity().name());
  count(project.collectivity().region());
  return 3 * bytes;
}

// Copies `term` to `*out` and returns the copy; the caller advances `*out`
// past it only if it keeps it (a term seen before is looked up by the copy,
// which the next term then overwrites: one hash per word, not two).
absl::string_view Stage(std::string_view term, char* out) {
  std::memcpy(out, term.data(), term.size());
  return absl::string_view(out, term.size());
}

v1::IndexedDoc RowOf(const v1::ProjectPublic& doc, uint32_t length) {
  v1::IndexedDoc row;
  row.set_id(doc.id());
  row.set_length(length);
  row.set_domain(doc.domain());
  row.set_status(doc.status());
  row.set_region(doc.collectivity().region());
  row.set_collectivity(doc.collectivity().name());
  for (const auto& t : doc.techniques()) row.add_techniques(t);
  return row;
}

// A page token is the (score, docnum) of the last hit of the previous page:
// the order (score desc, docnum asc) is total, so pages never overlap.
std::string EncodeCursor(double score, uint32_t doc) {
  uint64_t bits;
  std::memcpy(&bits, &score, sizeof bits);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016" PRIx64 ".%08" PRIx32, bits, doc);
  return buf;
}

bool DecodeCursor(std::string_view token, double* score, uint32_t* doc) {
  if (token.size() != 25 || token[16] != '.') return false;
  uint64_t bits = 0;
  uint32_t d = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    if (i == 16) continue;
    char c = token[i];
    int v = absl::ascii_isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) return false;
    if (i < 16) bits = (bits << 4) | v; else d = (d << 4) | v;
  }
  std::memcpy(score, &bits, sizeof bits);
  *doc = d;
  return !std::isnan(*score);
}

bool Before(double score_a, uint32_t doc_a, double score_b, uint32_t doc_b) {
  return score_a != score_b ? score_a > score_b : doc_a < doc_b;
}

void SortCounts(v1::Facet* facet) {
  std::sort(facet->mutable_counts()->begin(), facet->mutable_counts()->end(),
            [](const v1::FacetCount& a, const v1::FacetCount& b) {
              return a.count() != b.count() ? a.count() > b.count() : a.value() < b.value();
            });
}

// Accumulates counts per facet value ordinal, then renders named facets.
struct FacetCounter {
  std::vector<int64_t> domain = std::vector<int64_t>(v1::Domain_ARRAYSIZE);
  std::vector<int64_t> status = std::vector<int64_t>(v1::Status_ARRAYSIZE);
  absl::flat_hash_map<uint32_t, int64_t> region, collectivity, technique;

  void Add(v1::Domain d, v1::Status s, uint32_t region_ordinal) {
    ++domain[d];
    ++status[s];
    ++region[region_ordinal];
  }

  // Appends one facet per dimension, values named through `strings` (the
  // interned facet values), counts sorted descending.
  void Render(const std::vector<std::string>& strings, google::protobuf::RepeatedPtrField<v1::Facet>* out) const {
    auto add_facet = [&](const char* name) {
      v1::Facet* f = out->Add();
      f->set_name(name);
      return f;
    };
    v1::Facet* d = add_facet("domain");
    for (int i = 0; i < v1::Domain_ARRAYSIZE; ++i) {
      if (domain[i] == 0) continue;
      auto* c = d->add_counts();
      c->set_value(ShortName(static_cast<v1::Domain>(i)));
      c->set_count(domain[i]);
    }
    v1::Facet* st = add_facet("status");
    for (int i = 0; i < v1::Status_ARRAYSIZE; ++i) {
      if (status[i] == 0) continue;
      auto* c = st->add_counts();
      c->set_value(ShortName(static_cast<v1::Status>(i)));
      c->set_count(status[i]);
    }
    const std::pair<const char*, const absl::flat_hash_map<uint32_t, int64_t>*> interned[] = {
        {"region", &region}, {"collectivity", &collectivity}, {"technique", &technique}};
    for (const auto& [name, counts] : interned) {
      if (counts->empty()) continue;
      v1::Facet* f = add_facet(name);
      for (const auto& [ordinal, count] : *counts) {
        auto* c = f->add_counts();
        c->set_value(strings[ordinal]);
        c->set_count(count);
      }
    }
    for (auto& f : *out) {
      SortCounts(&f);
      if (f.counts_size() > kMaxFacetValues) {
        f.mutable_counts()->DeleteSubrange(kMaxFacetValues, f.counts_size() - kMaxFacetValues);
      }
    }
  }
};

}  // namespace

DocTerms ExtractTerms(const v1::ProjectPublic& project) {
  size_t longest = 0;
  const size_t bytes = IndexedBytes(project, &longest);
  DocTerms terms;
  terms.text = std::make_unique<char[]>(bytes + 1);
  // Sized once, so that neither grows word by word: about one distinct term
  // per 8 bytes of text, and the longest field folded.
  terms.tf.reserve(bytes / 8);
  char* out = terms.text.get();
  std::string scratch;
  scratch.reserve(longest);
  ForEachWeightedTerm(project, &scratch, [&](std::string_view term, uint32_t weight, bool counts) {
    if (counts) terms.length += weight;
    auto [it, inserted] = terms.tf.try_emplace(Stage(term, out), 0);
    it->second += weight;
    if (inserted) out += term.size();
  });
  return terms;
}

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Load(Db* db) {
  auto index = std::unique_ptr<SearchIndex>(new SearchIndex(db));
  absl::MutexLock lock(&index->mu_);
  auto next = db->Get(Family::kIndex, kNextDocnumKey);
  if (!next.ok()) return next.status();
  if (next->has_value()) {
    if ((*next)->size() != 4) return absl::DataLossError("index: next docnum value is not 4 bytes");
    index->next_docnum_ = DecodeBigEndian32(**next);
  }
  std::unique_ptr<rocksdb::Iterator> it = db->NewIterator(Family::kIndex);
  const std::string prefix(1, kDocPrefix);
  v1::IndexedDoc row;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != 5 || !row.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("index: unreadable document row ", it->key().ToString(true)));
    }
    index->SetDoc(DecodeBigEndian32(std::string_view(it->key().data() + 1, 4)), row);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "load search index");
  const std::string words(1, kWordPrefix);
  for (it->Seek(words); it->Valid() && it->key().starts_with(words); it->Next()) {
    index->AddWord(std::string(it->key().data() + 1, it->key().size() - 1));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "load search index vocabulary");

  BIBIA_ASSIGN_OR_RETURN(std::optional<std::string> format, db->Get(Family::kIndex, kIndexFormatKey));
  if (format != kIndexFormat) {
    // A new store (no format, no documents) is of the current format; a
    // cleared one (StageClear) or an older one is rebuilt by the caller.
    if (!format.has_value() && index->ids_.empty() && index->next_docnum_ == 0) {
      rocksdb::WriteBatch batch;
      index->StageFormat(&batch);
      BIBIA_RETURN_IF_ERROR(db->Write(&batch));
    } else {
      index->stale_ = true;
    }
  }
  return index;
}

void SearchIndex::StageClear(rocksdb::WriteBatch* batch) const {
  // Every key of the family sorts below "\xff\xff" (prefixes are letters).
  batch->DeleteRange(db_->family(Family::kIndex), rocksdb::Slice(""), rocksdb::Slice("\xff\xff"));
  batch->Put(db_->family(Family::kIndex), rocksdb::Slice(kIndexFormatKey.data(), kIndexFormatKey.size()),
             rocksdb::Slice("0"));  // cleared, not yet rebuilt
}

void SearchIndex::StageFormat(rocksdb::WriteBatch* batch) const {
  batch->Put(db_->family(Family::kIndex), rocksdb::Slice(kIndexFormatKey.data(), kIndexFormatKey.size()),
             rocksdb::Slice(kIndexFormat.data(), kIndexFormat.size()));
}

void SearchIndex::AddWord(const std::string& word) {
  if (word.empty() || !vocab_.insert(word).second) return;
  const size_t length = std::min(word.size(), kMaxTokenBytes);
  if (vocab_by_length_.size() <= length) vocab_by_length_.resize(length + 1);
  vocab_by_length_[length].push_back(VocabWord{LetterMask(word), word});
}

uint32_t SearchIndex::Intern(const std::string& value) {
  std::string key = FoldText(value);
  auto [it, inserted] = string_ids_.try_emplace(key, static_cast<uint32_t>(strings_.size()));
  if (inserted) {
    strings_.push_back(value);
    string_words_.push_back(SplitWords(value));
  }
  return it->second;
}

absl::flat_hash_set<uint32_t> SearchIndex::ValuesContaining(const std::string& text) const {
  absl::flat_hash_set<uint32_t> values;
  const std::vector<std::string> words = SplitWords(text);
  if (words.empty()) return values;  // punctuation alone names nothing
  for (uint32_t ordinal = 1; ordinal < string_words_.size(); ++ordinal) {
    const std::vector<std::string>& value = string_words_[ordinal];
    if (std::search(value.begin(), value.end(), words.begin(), words.end()) != value.end()) values.insert(ordinal);
  }
  return values;
}

SearchIndex::ResolvedFilter SearchIndex::Resolve(const v1::ProjectFilter& filter) const {
  ResolvedFilter resolved;
  resolved.domain = filter.domain();
  resolved.status = filter.status();
  if (!filter.region().empty()) resolved.regions = ValuesContaining(filter.region());
  if (!filter.collectivity().empty()) resolved.collectivities = ValuesContaining(filter.collectivity());
  if (!filter.technique().empty()) resolved.techniques = ValuesContaining(filter.technique());
  return resolved;
}

void SearchIndex::SetDoc(uint32_t docnum, const v1::IndexedDoc& row) {
  if (docnum >= docs_.size()) {
    docs_.resize(docnum + 1);
    doc_ids_.resize(docnum + 1);
  }
  Doc& doc = docs_[docnum];
  if (doc.live) total_length_ -= doc.length;
  doc.live = true;
  doc.length = row.length();
  doc.domain = static_cast<uint8_t>(row.domain());
  doc.status = static_cast<uint8_t>(row.status());
  doc.region = Intern(row.region());
  doc.collectivity = Intern(row.collectivity());
  doc.techniques.clear();
  for (const auto& t : row.techniques()) doc.techniques.push_back(Intern(t));
  doc_ids_[docnum] = row.id();
  total_length_ += doc.length;
  ids_[row.id()] = docnum;
  next_docnum_ = std::max(next_docnum_, docnum + 1);
}

uint32_t SearchIndex::DocnumFor(const std::string& id, IndexChanges* changes) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = ids_.find(id);
    if (it != ids_.end()) return it->second;
    if (!changes->next_docnum_) changes->next_docnum_ = next_docnum_;
  }
  auto [it, inserted] = changes->new_ids_.try_emplace(id, *changes->next_docnum_);
  if (inserted) ++*changes->next_docnum_;
  return it->second;
}

void SearchIndex::StageTerms(uint32_t docnum, const DocTerms* old_terms, const DocTerms& new_terms,
                             IndexChanges* changes) const {
  if (old_terms != nullptr) {
    for (const auto& [term, tf] : old_terms->tf) {
      if (!new_terms.tf.contains(term)) changes->Operand(term).Add(Posting{docnum, 0});
    }
  }
  for (const auto& [term, tf] : new_terms.tf) {
    if (old_terms != nullptr) {
      auto old = old_terms->tf.find(term);
      if (old != old_terms->tf.end() && old->second == tf) continue;  // unchanged posting
    }
    changes->Operand(term).Add(Posting{docnum, tf});
  }
}

void SearchIndex::StageUpsert(const v1::ProjectPublic* old, const v1::ProjectPublic& doc, IndexChanges* changes) {
  StageUpsert(old, doc, ExtractTerms(doc), changes);
}

void SearchIndex::StageUpsert(const v1::ProjectPublic* old, const v1::ProjectPublic& doc, const DocTerms& terms,
                              IndexChanges* changes) {
  uint32_t docnum = DocnumFor(doc.id(), changes);
  if (old != nullptr) {
    DocTerms old_terms = ExtractTerms(*old);
    StageTerms(docnum, &old_terms, terms, changes);
  } else {
    StageTerms(docnum, nullptr, terms, changes);
  }
  changes->rows_.emplace_back(docnum, RowOf(doc, terms.length));
}

uint32_t GroupedTerms::AddDocument(uint32_t slot, const v1::ProjectPublic& doc) {
  size_t longest = 0;
  const size_t bytes = IndexedBytes(doc, &longest);
  // The terms new to the run are kept in a block of the document's own.
  char* out = text_.emplace_back(std::make_unique<char[]>(bytes + 1)).get();
  scratch_.reserve(longest);
  uint32_t length = 0;
  ForEachWeightedTerm(doc, &scratch_, [&](std::string_view term, uint32_t weight, bool counts) {
    if (counts) length += weight;
    const auto [id, inserted] = terms_.Insert(term, [&](std::string_view t) {
      std::memcpy(out, t.data(), t.size());
      out += t.size();
      return std::string_view(out - t.size(), t.size());
    });
    if (inserted) {
      postings_of_.push_back(0);
      latest_.push_back(0);
    } else if (postings_[latest_[id]].posting.doc == slot) {
      postings_[latest_[id]].posting.tf += weight;  // again in the same document
      return;
    }
    latest_[id] = static_cast<uint32_t>(postings_.size());
    ++postings_of_[id];
    postings_.push_back(TermPosting{id, Posting{slot, weight}});
  });
  return length;
}

uint32_t SearchIndex::StageNewRow(const v1::ProjectPublic& doc, uint32_t length, IndexChanges* changes) {
  const uint32_t docnum = DocnumFor(doc.id(), changes);
  changes->rows_.emplace_back(docnum, RowOf(doc, length));
  return docnum;
}

void SearchIndex::StageGroupedTerms(const GroupedTerms& grouped, absl::Span<const uint32_t> docnums,
                                    IndexChanges* changes) const {
  const auto staged = [&](const Posting& p) { return p.doc < docnums.size() && docnums[p.doc] != kNoDocnum; };
  const auto term_of = [&](uint32_t id) {
    const std::string_view term = grouped.terms_.term(id);
    return absl::string_view(term.data(), term.size());
  };
  std::vector<bool> needed(grouped.terms_.size(), false);
  for (const GroupedTerms::TermPosting& tp : grouped.postings_) {
    if (staged(tp.posting)) needed[tp.term] = true;
  }
  // Every operand is created before pointers to them are taken: a pointer
  // into the map stays valid only while nothing is inserted.
  for (uint32_t t = 0; t < needed.size(); ++t) {
    if (needed[t]) changes->Operand(term_of(t));
  }
  std::vector<OperandBuilder*> operands(grouped.terms_.size(), nullptr);
  for (uint32_t t = 0; t < needed.size(); ++t) {
    if (!needed[t]) continue;
    operands[t] = &changes->Operand(term_of(t));
    operands[t]->Reserve(grouped.postings_of_[t]);
  }
  // Then the postings in document order, without a lookup each.
  for (const GroupedTerms::TermPosting& tp : grouped.postings_) {
    if (staged(tp.posting)) operands[tp.term]->Add(Posting{docnums[tp.posting.doc], tp.posting.tf});
  }
}

void SearchIndex::StageDelete(const v1::ProjectPublic& old, IndexChanges* changes) {
  uint32_t docnum = DocnumFor(old.id(), changes);
  DocTerms old_terms = ExtractTerms(old);
  StageTerms(docnum, &old_terms, DocTerms(), changes);
  changes->rows_.emplace_back(docnum, std::nullopt);
}

void SearchIndex::Flush(IndexChanges* changes, rocksdb::WriteBatch* batch) const {
  rocksdb::ColumnFamilyHandle* cf = db_->family(Family::kIndex);
  {
    absl::ReaderMutexLock lock(&mu_);
    for (auto& [term, operand] : changes->operands_) {
      if (!term.empty() && term[0] != kStemMark && !vocab_.contains(term)) changes->new_words_.push_back(term);
    }
  }
  std::string key(1, kWordPrefix);
  for (const std::string& word : changes->new_words_) {
    key.resize(1);
    key.append(word);
    batch->Put(cf, key, rocksdb::Slice());
  }
  for (auto& [term, operand] : changes->operands_) {
    const std::string_view bytes = operand.Finish();
    batch->Merge(cf, TermKey(term), rocksdb::Slice(bytes.data(), bytes.size()));
  }
  for (const auto& [docnum, row] : changes->rows_) {
    if (row) {
      batch->Put(cf, DocKey(docnum), row->SerializeAsString());
    } else {
      batch->Delete(cf, DocKey(docnum));
    }
  }
  if (changes->next_docnum_) {
    std::string value;
    AppendBigEndian32(&value, *changes->next_docnum_);
    batch->Put(cf, std::string(kNextDocnumKey), value);
  }
}

void SearchIndex::Apply(const IndexChanges& changes) {
  absl::MutexLock lock(&mu_);
  for (const std::string& word : changes.new_words_) AddWord(word);
  for (const auto& [docnum, row] : changes.rows_) {
    if (row) {
      SetDoc(docnum, *row);
      continue;
    }
    if (docnum >= docs_.size() || !docs_[docnum].live) continue;
    Doc& doc = docs_[docnum];
    total_length_ -= doc.length;
    ids_.erase(doc_ids_[docnum]);
    // Field by field: GCC 12 warns (wrongly) about moving a fresh Doc's
    // InlinedVector into this one.
    doc.live = false;
    doc.domain = v1::DOMAIN_UNSPECIFIED;
    doc.status = v1::STATUS_UNSPECIFIED;
    doc.length = doc.region = doc.collectivity = 0;
    doc.techniques.clear();
    doc_ids_[docnum].clear();
  }
  if (changes.next_docnum_) next_docnum_ = std::max(next_docnum_, *changes.next_docnum_);
}

bool SearchIndex::Accepts(const Doc& doc, const ResolvedFilter& filter) const {
  if (!doc.live) return false;
  if (filter.domain != v1::DOMAIN_UNSPECIFIED && doc.domain != filter.domain) return false;
  if (filter.status != v1::STATUS_UNSPECIFIED && doc.status != filter.status) return false;
  // A value no document has resolves to no ordinal, so it matches nothing
  // (not the documents without a value, whose ordinal is 0).
  if (filter.regions && !filter.regions->contains(doc.region)) return false;
  if (filter.collectivities && !filter.collectivities->contains(doc.collectivity)) return false;
  if (filter.techniques &&
      std::none_of(doc.techniques.begin(), doc.techniques.end(),
                   [&](uint32_t t) { return filter.techniques->contains(t); })) {
    return false;
  }
  return true;
}

// The posting lists a query reads, by concept (query_parser.h): a concept
// matches a document through any of its alternatives (the words typed, or a
// synonym), an alternative if every slot (word) does, a slot if any of its
// lists holds the document. Each list carries the weight of its kind of match.
struct SearchIndex::Plan {
  struct List {
    PostingView view;
    double weight;
    size_t pos = 0;  // galloping cursor: documents are visited in docnum order
  };
  struct Slot {
    std::vector<uint32_t> lists;  // indices into `lists`
  };
  struct Alternative {
    std::vector<Slot> slots;
  };
  struct Concept {
    std::vector<Alternative> alternatives;
    double idf = 0;
    double words = 1;  // query words it stands for
    size_t total = 0;  // postings over its lists
    size_t candidates = 0;  // postings over the smallest slot of each alternative
    size_t synonyms_from = 0;  // alternatives from this index on are synonyms
  };
  std::vector<List> lists;
  std::vector<Concept> concepts;

  // The weighted BM25 of `concept` for document `doc` of length norm
  // `norm`, or a negative value if it does not match.
  double Score(Concept& c, uint32_t doc, double norm) {
    double best = -1;
    for (size_t a = 0; a < c.alternatives.size(); ++a) {
      // The words typed matched: synonyms (weighted below them) need not be read.
      if (a == c.synonyms_from && best >= 0) break;
      Alternative& alt = c.alternatives[a];
      double sum = 0;
      bool all = true;
      for (Slot& slot : alt.slots) {
        double top = -1;
        for (uint32_t li : slot.lists) {
          List& l = lists[li];
          l.pos = l.view.LowerBound(doc, l.pos);
          if (l.pos < l.view.size() && l.view.at(l.pos).doc == doc) {
            const double tf = l.view.at(l.pos).tf;
            top = std::max(top, l.weight * tf * (kK1 + 1.0) / (tf + norm));
            // The word as typed (listed first) matched: its stems and other
            // forms, weighted below it, need not be read.
            if (l.weight >= 1.0) break;
          }
        }
        if (top < 0) {
          all = false;
          break;
        }
        sum += top;
      }
      if (all) best = std::max(best, sum / static_cast<double>(alt.slots.size()));
    }
    return best < 0 ? -1 : best * c.idf * c.words;
  }
  void Rewind() {
    for (List& l : lists) l.pos = 0;
  }
};

std::vector<std::pair<std::string, int>> SearchIndex::TypoCandidates(const std::string& word, int max_edits) const {
  absl::ReaderMutexLock lock(&mu_);
  return TypoCandidatesLocked(word, max_edits);
}

std::vector<std::pair<std::string, int>> SearchIndex::TypoCandidatesLocked(const std::string& word,
                                                                           int max_edits) const {
  std::vector<std::pair<std::string, int>> found;
  const int edits = max_edits >= 0 ? max_edits : AllowedTypos(word.size());
  if (edits <= 0) return found;
  const uint32_t mask = LetterMask(word);
  size_t scanned = 0;
  const size_t length = std::min(word.size(), kMaxTokenBytes);
  for (size_t len = length > static_cast<size_t>(edits) ? length - edits : 1;
       len <= length + edits && len < vocab_by_length_.size() && scanned < kMaxTypoScan; ++len) {
    for (const VocabWord& v : vocab_by_length_[len]) {
      if (++scanned > kMaxTypoScan) break;
      if (__builtin_popcount(v.mask ^ mask) > 2 * edits) continue;
      const int d = BoundedEditDistance(word, v.word, edits);
      if (d <= edits && v.word != word) found.emplace_back(v.word, d);
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.second != b.second ? a.second < b.second : a.first < b.first; });
  if (found.size() > static_cast<size_t>(kMaxTypoCandidates)) found.resize(kMaxTypoCandidates);
  return found;
}

absl::StatusOr<v1::SearchResponse> SearchIndex::Search(const v1::SearchRequest& request,
                                                      std::vector<std::string>* hit_tokens) const {
  if (hit_tokens != nullptr) hit_tokens->clear();
  const std::string& text = request.query();
  if (absl::StripAsciiWhitespace(text).empty()) return absl::InvalidArgumentError("query: must not be empty");
  if (text.size() > 1000) return absl::InvalidArgumentError("query: longer than 1000 bytes");
  int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 1 and ", kMaxPageSize));
  }
  double cursor_score = 0;
  uint32_t cursor_doc = 0;
  const bool has_cursor = !request.page_token().empty();
  if (has_cursor && !DecodeCursor(request.page_token(), &cursor_score, &cursor_doc)) {
    return MalformedPageToken();
  }

  const std::vector<QueryConcept> concepts = ParseQuery(text, FieldThesaurus());
  if (concepts.empty()) return absl::InvalidArgumentError(absl::StrCat("query: '", text, "' has only stop words"));

  // The lists to read: each term once (a term may serve several roles).
  rocksdb::ReadOptions read_options;
  rocksdb::ColumnFamilyHandle* cf = db_->family(Family::kIndex);
  // term -> stored list, pinned in the block cache rather than copied (node
  // map: the slices stay put).
  absl::node_hash_map<std::string, rocksdb::PinnableSlice> postings;
  const auto fetch = [&](const std::string& term) -> absl::StatusOr<std::string_view> {
    auto [it, inserted] = postings.try_emplace(term);
    if (inserted) {
      rocksdb::Status s = db_->raw()->Get(read_options, cf, TermKey(term), &it->second);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read postings");
      if (!s.ok()) it->second.Reset();
    }
    return std::string_view(it->second.data(), it->second.size());
  };
  Plan plan;
  // Adds `term` to `slot` with `weight` if it has postings; keeps the
  // highest weight of a term listed twice in a slot.
  const auto add = [&](const std::string& term, double weight, Plan::Slot* slot) -> absl::Status {
    BIBIA_ASSIGN_OR_RETURN(const std::string_view bytes, fetch(term));
    if (bytes.size() < kPostingBytes) return absl::OkStatus();
    for (uint32_t li : slot->lists) {
      if (plan.lists[li].view.data() == bytes.data()) {
        plan.lists[li].weight = std::max(plan.lists[li].weight, weight);
        return absl::OkStatus();
      }
    }
    slot->lists.push_back(static_cast<uint32_t>(plan.lists.size()));
    plan.lists.push_back(Plan::List{PostingView(bytes), weight});
    return absl::OkStatus();
  };
  // The stems of `word` (French and English, deduplicated, unlike it).
  const auto stems_of = [](const std::string& word) {
    std::vector<std::string> stems;
    for (StemLanguage lang : {StemLanguage::kFrench, StemLanguage::kEnglish}) {
      std::string s(Stem(lang, word));
      if (s != word && s.size() <= word.size() && std::find(stems.begin(), stems.end(), s) == stems.end()) {
        stems.push_back(std::move(s));
      }
    }
    return stems;
  };
  const auto add_word = [&](const std::string& word, double weight, Plan::Slot* slot) -> absl::Status {
    BIBIA_RETURN_IF_ERROR(add(word, weight, slot));
    for (const std::string& s : stems_of(word)) {
      BIBIA_RETURN_IF_ERROR(add(std::string(1, kStemMark) + s, weight * kStemWeight, slot));
      BIBIA_RETURN_IF_ERROR(add(s, weight * kStemWeight, slot));
    }
    return absl::OkStatus();
  };
  std::vector<std::string> unknown;  // words typed that the index does not hold
  for (const QueryConcept& qc : concepts) {
    Plan::Concept c;
    c.words = static_cast<double>(qc.words.size());
    Plan::Alternative direct;
    for (const QueryWord& w : qc.words) {
      Plan::Slot slot;
      if (w.acronym) {
        BIBIA_RETURN_IF_ERROR(add(w.term, 1.0, &slot));
      } else {
        BIBIA_RETURN_IF_ERROR(add_word(w.term, 1.0, &slot));
      }
      BIBIA_ASSIGN_OR_RETURN(const std::string_view exact, fetch(w.term));
      const bool known = exact.size() >= kPostingBytes;
      if (!known) unknown.push_back(w.term);
      if (w.prefix) {
        std::unique_ptr<rocksdb::Iterator> it(db_->raw()->NewIterator(read_options, cf));
        const std::string start = TermKey(w.term);
        int expanded = 0;
        for (it->Seek(start); it->Valid() && it->key().starts_with(start) && expanded < kMaxPrefixExpansion;
             it->Next()) {
          if (it->key().size() == start.size() || it->value().size() < kPostingBytes) continue;
          const std::string term(it->key().data() + 1, it->key().size() - 1);
          BIBIA_RETURN_IF_ERROR(add(term, kPrefixWeight, &slot));
          ++expanded;
        }
        if (!it->status().ok()) return FromRocks(it->status(), "read postings");
      }
      if (!known && !w.acronym) {
        for (const auto& [candidate, edits] : TypoCandidates(w.term, -1)) {
          BIBIA_RETURN_IF_ERROR(add(candidate, edits <= 1 ? kTypoWeight : kTypoWeight * 0.8, &slot));
        }
      }
      direct.slots.push_back(std::move(slot));
    }
    // Direct lists set the concept's rarity; synonyms and typos take it on.
    size_t direct_df = 0;
    for (const Plan::Slot& slot : direct.slots) {
      for (uint32_t li : slot.lists) direct_df = std::max(direct_df, plan.lists[li].view.size());
    }
    const bool direct_possible = std::none_of(direct.slots.begin(), direct.slots.end(),
                                              [](const Plan::Slot& s) { return s.lists.empty(); });
    c.alternatives.push_back(std::move(direct));
    for (const std::vector<std::string>& synonym : qc.synonyms) {
      Plan::Alternative alt;
      for (const std::string& word : synonym) {
        Plan::Slot slot;
        BIBIA_RETURN_IF_ERROR(add(word, kSynonymWeight, &slot));
        for (const std::string& s : stems_of(word)) {
          BIBIA_RETURN_IF_ERROR(add(std::string(1, kStemMark) + s, kSynonymWeight * kStemWeight, &slot));
        }
        alt.slots.push_back(std::move(slot));
      }
      c.alternatives.push_back(std::move(alt));
    }
    // Alternatives with a word nothing holds can never match.
    c.alternatives.erase(std::remove_if(c.alternatives.begin(), c.alternatives.end(),
                                        [](const Plan::Alternative& a) {
                                          return std::any_of(a.slots.begin(), a.slots.end(),
                                                             [](const Plan::Slot& s) { return s.lists.empty(); });
                                        }),
                         c.alternatives.end());
    c.synonyms_from = direct_possible ? 1 : 0;
    size_t df = direct_df;
    for (Plan::Alternative& alt : c.alternatives) {
      size_t smallest = SIZE_MAX, smallest_slot = 0;
      for (size_t si = 0; si < alt.slots.size(); ++si) {
        size_t slot_total = 0;
        for (uint32_t li : alt.slots[si].lists) {
          slot_total += plan.lists[li].view.size();
          if (direct_df == 0) df = std::max(df, plan.lists[li].view.size());
        }
        c.total += slot_total;
        if (slot_total < smallest) {
          smallest = slot_total;
          smallest_slot = si;
        }
      }
      // The smallest slot first: it drives candidates and fails soonest.
      std::swap(alt.slots[0], alt.slots[smallest_slot]);
      c.candidates += smallest;
    }
    c.idf = static_cast<double>(df);  // a document frequency until the lock is held
    plan.concepts.push_back(std::move(c));
  }

  v1::SearchResponse response;
  absl::ReaderMutexLock lock(&mu_);
  const double n = static_cast<double>(ids_.size());
  const double avgdl = ids_.empty() ? 1.0 : std::max(1.0, static_cast<double>(total_length_) / n);
  double all_weight = 0;
  for (Plan::Concept& c : plan.concepts) {
    // The lists were read before the lock: a write committed meanwhile may
    // list a document the counts here do not hold yet. Capped at n, the
    // weight stays positive (a negative one would reject every match).
    const double df = std::min(c.idf, n);
    c.idf = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
    all_weight += c.idf * c.words;
  }

  const ResolvedFilter filter = Resolve(request.filter());
  FacetCounter counter;
  std::vector<Match> matches;
  int64_t total = 0;
  const auto take = [&](uint32_t docnum, double score) {
    const Doc& doc = docs_[docnum];
    ++total;
    counter.Add(static_cast<v1::Domain>(doc.domain), static_cast<v1::Status>(doc.status), doc.region);
    ++counter.collectivity[doc.collectivity];
    for (uint32_t t : doc.techniques) ++counter.technique[t];
    if (has_cursor && !Before(cursor_score, cursor_doc, score, docnum)) return;
    matches.push_back(Match{score, docnum});
  };
  const auto norm_of = [&](const Doc& doc) { return kK1 * (1.0 - kB + kB * doc.length / avgdl); };

  // Every word: candidates from the concept with the fewest postings, in
  // docnum order, every other list probed with a forward-only cursor.
  const bool all_possible = std::none_of(plan.concepts.begin(), plan.concepts.end(),
                                         [](const Plan::Concept& c) { return c.alternatives.empty(); });
  if (all_possible) {
    size_t driver = 0;
    for (size_t i = 1; i < plan.concepts.size(); ++i) {
      if (plan.concepts[i].candidates < plan.concepts[driver].candidates) driver = i;
    }
    // The union of the driver's first-slot lists: one list is already in
    // docnum order; several are merged through a bitmap of all documents
    // (cheaper than sorting when they are long).
    std::vector<uint32_t> candidates;
    std::vector<const PostingView*> firsts;
    for (const Plan::Alternative& alt : plan.concepts[driver].alternatives) {
      for (uint32_t li : alt.slots.front().lists) firsts.push_back(&plan.lists[li].view);
    }
    if (firsts.size() == 1) {
      candidates.reserve(firsts[0]->size());
      for (size_t i = 0; i < firsts[0]->size(); ++i) candidates.push_back(firsts[0]->at(i).doc);
    } else {
      std::vector<uint64_t> bits((docs_.size() + 63) / 64, 0);
      for (const PostingView* view : firsts) {
        for (size_t i = 0; i < view->size(); ++i) {
          const uint32_t d = view->at(i).doc;
          if (d < docs_.size()) bits[d / 64] |= uint64_t{1} << (d % 64);
        }
      }
      for (size_t w = 0; w < bits.size(); ++w) {
        for (uint64_t b = bits[w]; b != 0; b &= b - 1) {
          candidates.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(b)));
        }
      }
    }
    for (uint32_t docnum : candidates) {
      if (docnum >= docs_.size() || !Accepts(docs_[docnum], filter)) continue;
      const double norm = norm_of(docs_[docnum]);
      double score = 0;
      bool all = true;
      for (Plan::Concept& c : plan.concepts) {
        const double s = plan.Score(c, docnum, norm);
        if (s < 0) {
          all = false;
          break;
        }
        score += s;
      }
      if (all) take(docnum, score);
    }
  }
  response.set_match_mode(v1::MATCH_ALL_WORDS);

  // Closest matches: fewer than a page holds every word, and the query has
  // several concepts: every document holding any of them, ranked by the
  // rarity-weighted share of the concepts it matches, then by BM25.
  if (total < page_size && plan.concepts.size() > 1 && !plan.lists.empty()) {
    response.set_match_mode(v1::MATCH_CLOSEST);
    plan.Rewind();
    total = 0;
    matches.clear();
    counter = FacetCounter();
    std::vector<bool> seen(docs_.size(), false);
    for (const Plan::List& l : plan.lists) {
      for (size_t i = 0; i < l.view.size(); ++i) {
        const uint32_t d = l.view.at(i).doc;
        if (d < seen.size()) seen[d] = true;
      }
    }
    for (uint32_t docnum = 0; docnum < seen.size(); ++docnum) {
      if (!seen[docnum] || !Accepts(docs_[docnum], filter)) continue;
      const double norm = norm_of(docs_[docnum]);
      double bm25 = 0, matched = 0;
      for (Plan::Concept& c : plan.concepts) {
        const double s = plan.Score(c, docnum, norm);
        if (s < 0) continue;
        bm25 += s;
        matched += c.idf * c.words;
      }
      if (matched <= 0) continue;
      const double share = std::round(100.0 * matched / all_weight);
      take(docnum, share * 1000.0 + std::min(bm25, 999.0));
    }
  }

  if (total == 0 && !unknown.empty()) {
    // Did you mean: the query's words with each unknown one replaced by the
    // closest indexed word (within two edits from 4 letters).
    std::vector<std::string> words;
    bool replaced = false;
    for (const QueryConcept& qc : concepts) {
      for (const QueryWord& w : qc.words) {
        std::string word = w.term;
        if (std::find(unknown.begin(), unknown.end(), w.term) != unknown.end() && w.term.size() >= 4) {
          const auto candidates = TypoCandidatesLocked(w.term, w.term.size() >= 6 ? 2 : 1);
          if (!candidates.empty()) {
            word = candidates.front().first;
            replaced = true;
          }
        }
        words.push_back(std::move(word));
      }
    }
    if (replaced) response.set_suggestion(absl::StrJoin(words, " "));
  }

  const auto by_rank = [](const Match& a, const Match& b) { return Before(a.score, a.doc, b.score, b.doc); };
  const size_t page = std::min(matches.size(), static_cast<size_t>(page_size));
  std::partial_sort(matches.begin(), matches.begin() + page, matches.end(), by_rank);
  for (size_t i = 0; i < page; ++i) {
    v1::SearchHit* hit = response.add_hits();
    hit->set_score(matches[i].score);
    hit->mutable_project()->set_id(doc_ids_[matches[i].doc]);  // the caller fills in the record
    if (hit_tokens != nullptr) hit_tokens->push_back(EncodeCursor(matches[i].score, matches[i].doc));
  }
  if (matches.size() > page && page > 0) {
    response.set_next_page_token(EncodeCursor(matches[page - 1].score, matches[page - 1].doc));
  }
  response.set_total_matches(total);

  counter.Render(strings_, response.mutable_facets());
  return response;
}

std::vector<std::string> SearchIndex::ListIds(const v1::ProjectFilter& filter, std::string_view after, size_t limit,
                                              bool* more) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::string> ids;
  *more = false;
  const ResolvedFilter resolved = Resolve(filter);
  for (auto it = ids_.upper_bound(std::string(after)); it != ids_.end(); ++it) {
    if (!Accepts(docs_[it->second], resolved)) continue;
    if (ids.size() == limit) {
      *more = true;
      break;
    }
    ids.push_back(it->first);
  }
  return ids;
}

void SearchIndex::CountFacets(v1::StatsResponse* stats) const {
  absl::ReaderMutexLock lock(&mu_);
  FacetCounter counter;
  for (const auto& [id, docnum] : ids_) {
    const Doc& doc = docs_[docnum];
    counter.Add(static_cast<v1::Domain>(doc.domain), static_cast<v1::Status>(doc.status), doc.region);
  }
  counter.Render(strings_, stats->mutable_by_facet());
}

int64_t SearchIndex::document_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<int64_t>(ids_.size());
}

int64_t SearchIndex::collectivity_count() const {
  absl::ReaderMutexLock lock(&mu_);
  absl::flat_hash_set<uint32_t> seen;
  for (const auto& [id, docnum] : ids_) seen.insert(docs_[docnum].collectivity);
  return static_cast<int64_t>(seen.size());
}

}  // namespace bibia::catalog
