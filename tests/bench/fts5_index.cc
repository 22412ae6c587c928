#include "tests/bench/fts5_index.h"

#include <sqlite3.h>

#include <cstdio>

#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "catalog/tokenizer.h"

// bibia's index may fold French plurals (catalog::FoldPlural: "réseaux" and
// "réseau" are one term). When the catalogue has that function, FTS5 indexes
// through a tokenizer that applies it to unicode61's tokens, so both engines
// match the same documents. Detected at compile time: the fallback below is
// chosen by overload resolution only if the catalogue declares no FoldPlural.
namespace bibia_bench_detect {
struct NoFold {};
inline NoFold FoldPlural(...) { return {}; }
}  // namespace bibia_bench_detect

namespace bibia::bench {
namespace {

constexpr bool kCatalogFoldsPlurals = [] {
  using namespace bibia::catalog;       // NOLINT: the real FoldPlural, if any
  using namespace bibia_bench_detect;  // NOLINT: the fallback
  return !std::is_same_v<decltype(FoldPlural(std::string_view())), bibia_bench_detect::NoFold>;
}();

template <typename View>
std::string FoldLikeCatalog(View token) {
  using namespace bibia::catalog;       // NOLINT
  using namespace bibia_bench_detect;  // NOLINT
  if constexpr (kCatalogFoldsPlurals) {
    return FoldPlural(token);
  } else {
    return std::string(token);
  }
}

// An FTS5 tokenizer "bibia_fold PARENT ARGS...": PARENT's tokens, folded.
struct FoldTokenizer {
  fts5_tokenizer parent{};
  Fts5Tokenizer* parent_instance = nullptr;
};

struct FoldCall {
  void* context;
  int (*emit)(void*, int, const char*, int, int, int);
  std::string buffer;
};

int FoldCreate(void* api_pointer, const char** argv, int argc, Fts5Tokenizer** out) {
  auto* api = static_cast<fts5_api*>(api_pointer);
  const char* parent_name = argc > 0 ? argv[0] : "unicode61";
  void* parent_data = nullptr;
  auto* tokenizer = new FoldTokenizer();
  int rc = api->xFindTokenizer(api, parent_name, &parent_data, &tokenizer->parent);
  if (rc == SQLITE_OK) {
    rc = tokenizer->parent.xCreate(parent_data, argc > 0 ? argv + 1 : nullptr, argc > 0 ? argc - 1 : 0,
                                   &tokenizer->parent_instance);
  }
  if (rc != SQLITE_OK) {
    delete tokenizer;
    return rc;
  }
  *out = reinterpret_cast<Fts5Tokenizer*>(tokenizer);
  return SQLITE_OK;
}

void FoldDelete(Fts5Tokenizer* instance) {
  auto* tokenizer = reinterpret_cast<FoldTokenizer*>(instance);
  tokenizer->parent.xDelete(tokenizer->parent_instance);
  delete tokenizer;
}

int FoldEmit(void* call_pointer, int flags, const char* token, int bytes, int start, int end) {
  auto* call = static_cast<FoldCall*>(call_pointer);
  call->buffer = FoldLikeCatalog(std::string_view(token, static_cast<size_t>(bytes)));
  return call->emit(call->context, flags, call->buffer.data(), static_cast<int>(call->buffer.size()), start, end);
}

int FoldTokenize(Fts5Tokenizer* instance, void* context, int flags, const char* text, int bytes,
                 int (*emit)(void*, int, const char*, int, int, int)) {
  auto* tokenizer = reinterpret_cast<FoldTokenizer*>(instance);
  FoldCall call{context, emit, {}};
  return tokenizer->parent.xTokenize(tokenizer->parent_instance, &call, flags, text, bytes, FoldEmit);
}

constexpr char kCreatePlain[] =
    "CREATE VIRTUAL TABLE docs USING fts5(title, summary, tags, techniques, "
    "tokenize = 'unicode61 remove_diacritics 2')";
constexpr char kCreateFolding[] =
    "CREATE VIRTUAL TABLE docs USING fts5(title, summary, tags, techniques, "
    "tokenize = 'bibia_fold unicode61 remove_diacritics 2')";
constexpr char kInsert[] = "INSERT INTO docs(rowid, title, summary, tags, techniques) VALUES (?, ?, ?, ?, ?)";
constexpr char kTop[] =
    "SELECT rowid, title FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 1.0, 2.0, 2.0) LIMIT 20";
constexpr char kCount[] = "SELECT count(*) FROM docs WHERE docs MATCH ?";

}  // namespace

absl::Status Fts5Index::Error(const std::string& what) const {
  return absl::InternalError(absl::StrCat("sqlite: ", what, ": ", sqlite3_errmsg(db_)));
}

absl::Status Fts5Index::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return absl::InternalError(absl::StrCat("sqlite: ", sql, ": ", text));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Fts5Index>> Fts5Index::Open(const std::string& path, int cache_mib) {
  auto index = std::unique_ptr<Fts5Index>(new Fts5Index());
  if (sqlite3_open_v2(path.c_str(), &index->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return index->Error(absl::StrCat("open ", path));
  }
  if (!sqlite3_compileoption_used("ENABLE_FTS5")) {
    return absl::FailedPreconditionError("sqlite: this libsqlite3 was built without FTS5");
  }
  std::string cache = absl::StrCat("PRAGMA cache_size = -", static_cast<int64_t>(cache_mib) * 1024);
  if (absl::Status s = index->Exec(cache.c_str()); !s.ok()) return s;
  if (kCatalogFoldsPlurals) {
    if (absl::Status s = index->RegisterFoldTokenizer(); !s.ok()) return s;
  }
  if (absl::Status s = index->Exec(kCatalogFoldsPlurals ? kCreateFolding : kCreatePlain); !s.ok()) return s;
  return index;
}

const char* Fts5Index::Tokenizer() {
  return kCatalogFoldsPlurals ? "bibia_fold unicode61 remove_diacritics 2 (unicode61 + catalog::FoldPlural)"
                              : "unicode61 remove_diacritics 2";
}

absl::Status Fts5Index::RegisterFoldTokenizer() {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return Error("fts5 api");
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api == nullptr) return absl::FailedPreconditionError("sqlite: no fts5_api (FTS5 missing?)");
  fts5_tokenizer tokenizer{FoldCreate, FoldDelete, FoldTokenize};
  if (api->xCreateTokenizer(api, "bibia_fold", api, &tokenizer, nullptr) != SQLITE_OK) {
    return Error("register tokenizer bibia_fold");
  }
  return absl::OkStatus();
}

Fts5Index::~Fts5Index() {
  for (sqlite3_stmt* s : top_) sqlite3_finalize(s);
  for (sqlite3_stmt* s : count_) sqlite3_finalize(s);
  if (db_ != nullptr) sqlite3_close(db_);
}

absl::Status Fts5Index::Load(const std::vector<v1::Project>& projects) {
  if (absl::Status s = Exec("BEGIN"); !s.ok()) return s;
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db_, kInsert, -1, &insert, nullptr) != SQLITE_OK) return Error("prepare insert");
  std::string tags, techniques;
  for (size_t i = 0; i < projects.size(); ++i) {
    const v1::ProjectPublic& p = projects[i].public_();
    tags = absl::StrJoin(p.tags(), ", ");
    techniques = absl::StrJoin(p.techniques(), ", ");
    sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(i + 1));
    sqlite3_bind_text(insert, 2, p.title_fr().data(), static_cast<int>(p.title_fr().size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, p.summary_fr().data(), static_cast<int>(p.summary_fr().size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 4, tags.data(), static_cast<int>(tags.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 5, techniques.data(), static_cast<int>(techniques.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      absl::Status s = Error(absl::StrCat("insert document ", i + 1));
      sqlite3_finalize(insert);
      return s;
    }
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  return Exec("COMMIT");
}

absl::Status Fts5Index::Optimize() { return Exec("INSERT INTO docs(docs) VALUES('optimize')"); }

std::string Fts5Index::MatchExpression(const std::string& query) {
  std::vector<std::string> terms;
  size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && query[i] == ' ') ++i;
    size_t start = i;
    while (i < query.size() && query[i] != ' ') ++i;
    if (i == start) continue;
    std::string term = "\"";
    for (char c : query.substr(start, i - start)) {
      if (c == '"') term += '"';  // FTS5 escapes a quote by doubling it
      term += c;
    }
    term += '"';
    terms.push_back(std::move(term));
  }
  if (!terms.empty()) terms.back() += '*';
  return absl::StrJoin(terms, " ");
}

absl::Status Fts5Index::Prepare(const std::vector<std::string>& queries) {
  for (const std::string& q : queries) {
    const std::string match = MatchExpression(q);
    for (auto [sql, list] : {std::pair{kTop, &top_}, std::pair{kCount, &count_}}) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        return Error(absl::StrCat("prepare query '", q, "'"));
      }
      sqlite3_bind_text(stmt, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
      list->push_back(stmt);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Fts5Index::Run(size_t i) {
  sqlite3_stmt* stmt = top_[i];
  int rows = 0;
  int rc;
  char id[32];
  std::string title;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::snprintf(id, sizeof id, "p-%06lld", static_cast<long long>(sqlite3_column_int64(stmt, 0)));
    const unsigned char* text = sqlite3_column_text(stmt, 1);
    title.assign(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, 1));
    checksum_ += title.size() + static_cast<unsigned char>(id[2]);
    ++rows;
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) return Error("run query");
  return rows;
}

absl::StatusOr<int64_t> Fts5Index::Count(size_t i) {
  sqlite3_stmt* stmt = count_[i];
  int64_t count = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) count = sqlite3_column_int64(stmt, 0);
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (count < 0 || rc != SQLITE_DONE) return Error("count query");
  return count;
}

absl::StatusOr<int64_t> Fts5Index::DistinctTerms() {
  if (absl::Status s = Exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, docs, 'row')");
      !s.ok()) {
    return s;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT count(*) FROM temp.vocab", -1, &stmt, nullptr) != SQLITE_OK) {
    return Error("prepare vocab count");
  }
  int64_t count = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) count = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  if (count < 0) return Error("vocab count");
  return count;
}

}  // namespace bibia::bench
