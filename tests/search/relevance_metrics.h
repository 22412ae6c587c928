// Ranking metrics of the relevance evaluation (tests/search/relevance.json):
// the same definitions as tests/search/relevance_peers.py, so that bibia's
// figures and those of SQLite FTS5 and Xapian compare.
#ifndef BIBIA_TESTS_SEARCH_RELEVANCE_METRICS_H_
#define BIBIA_TESTS_SEARCH_RELEVANCE_METRICS_H_

#include <map>
#include <string>
#include <vector>

namespace bibia::search_eval {

// Depth of every metric: a first page of results.
inline constexpr size_t kDepth = 10;

// Metrics of one query whose judgments are not empty. `ranked`: the ids
// returned, best first; `grades`: id -> grade 1..3 (absent: not relevant).
struct QueryScores {
  double ndcg = 0;    // DCG@10 with gain 2^grade - 1 over the ideal DCG@10
  double recall = 0;  // relevant ids in the top 10 over min(10, relevant ids)
  double rr = 0;      // 1 / rank of the first relevant id in the top 10, else 0
  bool zero = false;  // nothing returned
};
QueryScores Score(const std::vector<std::string>& ranked, const std::map<std::string, int>& grades);

}  // namespace bibia::search_eval

#endif  // BIBIA_TESTS_SEARCH_RELEVANCE_METRICS_H_
