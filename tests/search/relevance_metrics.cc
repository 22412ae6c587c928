#include "tests/search/relevance_metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace bibia::search_eval {
namespace {

double Gain(int grade) { return std::pow(2.0, grade) - 1.0; }
double Discount(size_t rank) { return 1.0 / std::log2(static_cast<double>(rank) + 2.0); }  // rank from 0

}  // namespace

QueryScores Score(const std::vector<std::string>& ranked, const std::map<std::string, int>& grades) {
  QueryScores s;
  s.zero = ranked.empty();
  double dcg = 0;
  size_t found = 0;
  for (size_t i = 0; i < ranked.size() && i < kDepth; ++i) {
    auto it = grades.find(ranked[i]);
    if (it == grades.end() || it->second <= 0) continue;
    dcg += Gain(it->second) * Discount(i);
    ++found;
    if (s.rr == 0) s.rr = 1.0 / static_cast<double>(i + 1);
  }
  std::vector<int> ideal;
  for (const auto& [id, grade] : grades) {
    if (grade > 0) ideal.push_back(grade);
  }
  std::sort(ideal.begin(), ideal.end(), std::greater<int>());
  double idcg = 0;
  for (size_t i = 0; i < ideal.size() && i < kDepth; ++i) idcg += Gain(ideal[i]) * Discount(i);
  s.ndcg = idcg > 0 ? dcg / idcg : 0;
  const size_t relevant = std::min(ideal.size(), kDepth);
  s.recall = relevant > 0 ? static_cast<double>(found) / static_cast<double>(relevant) : 0;
  return s;
}

}  // namespace bibia::search_eval
