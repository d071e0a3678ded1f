#include "catalog/suggest.h"

#include <algorithm>

namespace palisade::engine {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus adjacent transposition.
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= m; ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::optional<std::string>
closest_name(std::string_view word,
             const std::vector<std::string> &candidates) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const auto &c : candidates) {
    size_t dist = edit_distance(word, c);
    if (dist > 2 || dist >= word.size())
      continue;
    if (!best || dist < best_distance) {
      best = c;
      best_distance = dist;
    }
  }
  return best;
}

std::string join_names(const std::vector<std::string> &names) {
  std::string out;
  for (const auto &n : names) {
    if (!out.empty())
      out += ", ";
    out += n;
  }
  return out;
}

} // namespace palisade::engine
