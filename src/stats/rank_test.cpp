#include "stx/stats/rank_test.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "stx/core/error.hpp"

namespace stx {

RankTest mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  if (a.empty() || b.empty()) return {std::nan(""), std::nan(""), std::nan("")};
  std::vector<std::pair<double, int>> all;  // value, sample (0 = a)
  for (double v : a) all.emplace_back(v, 0);
  for (double v : b) all.emplace_back(v, 1);
  STX_CHECK(std::all_of(all.begin(), all.end(), [](const auto& e) { return std::isfinite(e.first); }),
            ShapeError, "Mann-Whitney U: a value is not finite");
  std::sort(all.begin(), all.end());
  const double n = na + nb;
  double rank_sum_a = 0, tie_term = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double midrank = (static_cast<double>(i + j) + 1) / 2;  // ranks i+1 .. j
    for (size_t t = i; t < j; ++t)
      if (all[t].second == 0) rank_sum_a += midrank;
    const double ties = static_cast<double>(j - i);
    tie_term += ties * ties * ties - ties;
    i = j;
  }
  RankTest out;
  out.u = rank_sum_a - na * (na + 1) / 2;
  out.auc = out.u / (na * nb);
  const double mean = na * nb / 2;
  const double sd = std::sqrt(na * nb / 12 * ((n + 1) - tie_term / (n * (n - 1))));
  if (!(sd > 0)) {
    out.p = 1;  // every value the same
    return out;
  }
  const double z = (std::abs(out.u - mean) - 0.5) / sd;
  out.p = std::min(1.0, std::erfc(std::max(z, 0.0) / std::sqrt(2.0)));
  return out;
}

std::vector<double> benjamini_hochberg(const std::vector<double>& p) {
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return p[x] < p[y]; });
  std::vector<double> q(m);
  double running = 1.0;
  for (size_t r = m; r-- > 0;) {
    const size_t i = order[r];
    running = std::min(running, p[i] * static_cast<double>(m) / static_cast<double>(r + 1));
    q[i] = running;
  }
  return q;
}

}  // namespace stx
