#include "catalog/edit_distance.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace bibia::catalog {

int BoundedEditDistance(std::string_view a, std::string_view b, int max) {
  const int over = max + 1;
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return over;
  if (m == 0) return n <= max ? n : over;
  // Three rows of the DP over b (words are at most 64 bytes, see
  // kMaxTokenBytes; longer ones are compared on their first 64).
  constexpr int kMax = 65;
  const int cols = std::min(m, kMax - 1);
  std::array<int, kMax> before{}, prev{}, cur{};
  for (int j = 0; j <= cols; ++j) prev[j] = j;
  for (int i = 1; i <= std::min(n, kMax - 1); ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= cols; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, before[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max) return over;  // every later row is at least as far
    before = prev;
    prev = cur;
  }
  const int d = prev[cols];
  return d <= max ? d : over;
}

uint32_t LetterMask(std::string_view word) {
  uint32_t mask = 0;
  for (char c : word) {
    const auto u = static_cast<unsigned char>(c);
    mask |= (u >= 'a' && u <= 'z') ? 1u << (u - 'a') : 1u << (26 + u % 6);
  }
  return mask;
}

int AllowedTypos(size_t length) { return length >= 9 ? 2 : length >= 5 ? 1 : 0; }

}  // namespace bibia::catalog
