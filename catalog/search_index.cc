#include "catalog/search_index.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "catalog/enum_names.h"
#include "catalog/keys.h"
#include "catalog/posting_list.h"
#include "catalog/tokenizer.h"
#include "catalog/validate.h"

namespace bibia::catalog {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr std::string_view kNextDocnumKey = "n";

// Calls `term(term, weight)` for each index term of `project`'s indexed
// fields, folding them through `scratch`.
template <typename F>
void ForEachWeightedTerm(const v1::ProjectPublic& project, std::string* scratch, F&& term) {
  const auto field = [&](const std::string& text, uint32_t weight) {
    ForEachIndexTerm(text, scratch, [&](std::string_view t) { term(t, weight); });
  };
  field(project.title_fr(), kTitleWeight);
  field(project.title_en(), kTitleWeight);
  field(project.summary_fr(), kSummaryWeight);
  field(project.summary_en(), kSummaryWeight);
  for (const auto& tag : project.tags()) field(tag, kTagWeight);
  for (const auto& technique : project.techniques()) field(technique, kTagWeight);
}

// Bytes of `project`'s indexed fields: folding never makes text longer, so
// its terms fit in a block of this size. Sets `longest` to the longest field.
size_t IndexedBytes(const v1::ProjectPublic& project, size_t* longest) {
  size_t bytes = 0;
  *longest = 0;
  const auto count = [&](const std::string& field) {
    bytes += field.size();
    *longest = std::max(*longest, field.size());
  };
  count(project.title_fr());
  count(project.title_en());
  count(project.summary_fr());
  count(project.summary_en());
  for (const auto& tag : project.tags()) count(tag);
  for (const auto& technique : project.techniques()) count(technique);
  return bytes;
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
  ForEachWeightedTerm(project, &scratch, [&](std::string_view term, uint32_t weight) {
    terms.length += weight;
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
  return index;
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
  ForEachWeightedTerm(doc, &scratch_, [&](std::string_view term, uint32_t weight) {
    length += weight;
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

  // Terms: stop words dropped; the last word typed also matches as a prefix,
  // unless the query ends with a space (the word is complete).
  std::vector<std::string> words = SplitWords(text);
  const bool last_word_open = !absl::ascii_isspace(static_cast<unsigned char>(text.back()));
  std::string prefix;
  if (last_word_open && !words.empty() && !IsStopWord(words.back()) && words.back().size() >= kMinPrefixBytes) {
    prefix = words.back();
    words.pop_back();
  }
  words.erase(std::remove_if(words.begin(), words.end(), [](const std::string& w) { return IsStopWord(w); }),
              words.end());
  for (std::string& w : words) w = FoldPlural(w);
  if (!prefix.empty()) prefix = FoldPlural(prefix);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (words.empty() && prefix.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("query: '", text, "' has only stop words"));
  }

  // One group per query word: a document matches a group if it holds any of
  // its terms (a prefix group has several), and must match every group.
  struct Group {
    std::vector<std::string> lists;
    std::vector<double> idf;
    size_t total = 0;
  };
  std::vector<Group> groups;
  rocksdb::ReadOptions read_options;
  rocksdb::ColumnFamilyHandle* cf = db_->family(Family::kIndex);
  for (const std::string& word : words) {
    Group group;
    std::string value;
    rocksdb::Status s = db_->raw()->Get(read_options, cf, TermKey(word), &value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read postings");
    if (s.ok() && !value.empty()) group.lists.push_back(std::move(value));
    groups.push_back(std::move(group));
  }
  if (!prefix.empty()) {
    Group group;
    std::unique_ptr<rocksdb::Iterator> it(db_->raw()->NewIterator(read_options, cf));
    const std::string start = TermKey(prefix);
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
      if (group.lists.size() == kMaxPrefixExpansion) break;
      if (!it->value().empty()) group.lists.push_back(it->value().ToString());
    }
    if (!it->status().ok()) return FromRocks(it->status(), "read postings");
    groups.push_back(std::move(group));
  }

  v1::SearchResponse response;
  for (Group& g : groups) {
    if (g.lists.empty()) return response;  // a word matches nothing: AND matches nothing
    for (const auto& l : g.lists) g.total += l.size() / kPostingBytes;
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.total < b.total; });

  absl::ReaderMutexLock lock(&mu_);
  const double n = static_cast<double>(ids_.size());
  const double avgdl = ids_.empty() ? 1.0 : std::max(1.0, static_cast<double>(total_length_) / n);
  for (Group& g : groups) {
    for (const auto& l : g.lists) {
      double df = static_cast<double>(l.size() / kPostingBytes);
      g.idf.push_back(std::log(1.0 + (n - df + 0.5) / (df + 0.5)));
    }
  }

  // Candidates come from the smallest group, in docnum order, so every other
  // list is probed with a forward-only galloping cursor.
  std::vector<uint32_t> candidates;
  {
    const Group& driver = groups.front();
    for (const auto& l : driver.lists) {
      PostingView view(l);
      for (size_t i = 0; i < view.size(); ++i) candidates.push_back(view.at(i).doc);
    }
    if (driver.lists.size() > 1) {
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    }
  }
  std::vector<std::vector<size_t>> cursors(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) cursors[g].assign(groups[g].lists.size(), 0);

  const ResolvedFilter filter = Resolve(request.filter());
  FacetCounter counter;
  std::vector<Match> matches;
  int64_t total = 0;
  for (uint32_t docnum : candidates) {
    if (docnum >= docs_.size() || !Accepts(docs_[docnum], filter)) continue;
    const Doc& doc = docs_[docnum];
    const double norm = kK1 * (1.0 - kB + kB * doc.length / avgdl);
    double score = 0;
    bool all = true;
    for (size_t g = 0; g < groups.size() && all; ++g) {
      bool any = false;
      for (size_t l = 0; l < groups[g].lists.size(); ++l) {
        PostingView view(groups[g].lists[l]);
        size_t& pos = cursors[g][l];
        pos = view.LowerBound(docnum, pos);
        if (pos < view.size() && view.at(pos).doc == docnum) {
          double tf = view.at(pos).tf;
          score += groups[g].idf[l] * tf * (kK1 + 1.0) / (tf + norm);
          any = true;
        }
      }
      all = any;
    }
    if (!all) continue;
    ++total;
    counter.Add(static_cast<v1::Domain>(doc.domain), static_cast<v1::Status>(doc.status), doc.region);
    ++counter.collectivity[doc.collectivity];
    for (uint32_t t : doc.techniques) ++counter.technique[t];
    if (has_cursor && !Before(cursor_score, cursor_doc, score, docnum)) continue;
    matches.push_back(Match{score, docnum});
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
