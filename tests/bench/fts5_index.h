// The SQLite FTS5 baseline of the search benchmark: the same documents in an
// FTS5 table, queried with the equivalent of bibia's query semantics (every
// word must match, the last one also as a prefix, BM25 with bibia's field
// weights, top 20; plurals folded as bibia folds them, see Tokenizer()).
#ifndef BIBIA_TESTS_BENCH_FTS5_INDEX_H_
#define BIBIA_TESTS_BENCH_FTS5_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bibia/v1/project.pb.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bibia::bench {

class Fts5Index {
 public:
  // Opens (creates) the database file `path` with a page cache of
  // `cache_mib` MiB and creates the FTS5 table.
  static absl::StatusOr<std::unique_ptr<Fts5Index>> Open(const std::string& path, int cache_mib);
  ~Fts5Index();
  Fts5Index(const Fts5Index&) = delete;
  Fts5Index& operator=(const Fts5Index&) = delete;

  // Inserts all documents in one transaction; rowid i+1 is projects[i].
  absl::Status Load(const std::vector<v1::Project>& projects);
  // Merges the FTS5 segments into one b-tree ('optimize'), FTS5's compaction.
  absl::Status Optimize();

  // The FTS5 MATCH expression of a bibia query: each word quoted as a term,
  // the last one with '*' (prefix), implicit AND.
  static std::string MatchExpression(const std::string& query);

  // Prepares the top-20 statement of each query (one statement per query).
  absl::Status Prepare(const std::vector<std::string>& queries);
  // Runs prepared query `i`, reading id and title of every row; returns the
  // number of rows (at most 20).
  absl::StatusOr<int> Run(size_t i);
  // Number of documents matching query `i` (no limit).
  absl::StatusOr<int64_t> Count(size_t i);
  // The tokenizer used: unicode61 with diacritics removed, wrapped with
  // bibia's plural folding when the catalogue folds plurals.
  static const char* Tokenizer();

  // Distinct terms of the index (fts5vocab).
  absl::StatusOr<int64_t> DistinctTerms();
  // Sum of title bytes read by Run, so the reads cannot be optimised away.
  uint64_t checksum() const { return checksum_; }

 private:
  Fts5Index() = default;
  absl::Status Exec(const char* sql);
  absl::Status RegisterFoldTokenizer();
  absl::Status Error(const std::string& what) const;

  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> top_;
  std::vector<sqlite3_stmt*> count_;
  uint64_t checksum_ = 0;
};

}  // namespace bibia::bench

#endif  // BIBIA_TESTS_BENCH_FTS5_INDEX_H_
