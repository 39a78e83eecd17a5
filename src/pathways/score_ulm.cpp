// ulm: decoupler's univariate linear model (Badia-i-Mompel et al. 2022) with binary set
// membership over the universe of all G genes. For one spot with expression x:
//   r = (mean_S x - mean_U x) / sd_U x * sqrt(k G / ((G - 1)(G - k)))   (Pearson r of x and
//   the membership indicator, sample sd), t = r sqrt((G - 2) / ((1 - r)(1 + r))).
// Needs only the row's sum, sum of squares and per-set sums: O(non-zeros) per spot.
#include <cmath>

#include "score_methods.hpp"

namespace stx::scoring {

void score_ulm(const Context& c, PathwayScores& out) {
  const int64_t n = c.x.n_rows, n_sets = c.n_sets();
  const double g = static_cast<double>(c.x.n_cols);
#pragma omp parallel
  {
    std::vector<double> set_sum(n_sets);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < n; ++r) {
      std::fill(set_sum.begin(), set_sum.end(), 0.0);
      double sum = 0.0, sum_sq = 0.0;
      for (int64_t k = c.x.indptr[r]; k < c.x.indptr[r + 1]; ++k) {
        sum += c.x.data[k];
        sum_sq += static_cast<double>(c.x.data[k]) * c.x.data[k];
      }
      add_row_to_set_sums(c, r, set_sum);
      const double mean = sum / g;
      const double sd = std::sqrt(std::max(0.0, (sum_sq - g * mean * mean) / (g - 1.0)));
      for (int64_t s = 0; s < n_sets; ++s) {
        const double k = static_cast<double>(c.match.sets[s].gene_indices.size());
        double t = 0.0;
        if (sd > 0) {
          const double rho = (set_sum[s] / k - mean) / sd * std::sqrt(k * g / ((g - 1.0) * (g - k)));
          t = rho * std::sqrt((g - 2.0) / ((1.0 - rho) * (1.0 + rho)));
        }
        out.values[r * n_sets + s] = static_cast<float>(t);
      }
    }
  }
}

}  // namespace stx::scoring
