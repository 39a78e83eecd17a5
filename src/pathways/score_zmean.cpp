// zmean: mean over the set of (x - mean_g) / sd_g, with gene means and sample standard
// deviations across the slide's spots. Genes constant across spots are left out of the set.
// Sparse: sum over the row's non-zeros of x / sd_g, minus the per-set constant sum mean/sd.
#include <cmath>

#include "score_methods.hpp"

namespace stx::scoring {

void score_zmean(const Context& c, PathwayScores& out) {
  const int64_t n = c.x.n_rows, n_genes = c.x.n_cols, n_sets = c.n_sets();
  const double n_spots = static_cast<double>(n);
  std::vector<double> sum(n_genes, 0.0), sum_sq(n_genes, 0.0);
  for (int64_t k = 0; k < c.x.nnz(); ++k) {
    sum[c.x.indices[k]] += c.x.data[k];
    sum_sq[c.x.indices[k]] += static_cast<double>(c.x.data[k]) * c.x.data[k];
  }
  std::vector<double> inv_sd(n_genes, 0.0), mean(n_genes, 0.0);
  for (int64_t g = 0; g < n_genes; ++g) {
    mean[g] = sum[g] / n_spots;
    const double var = n > 1 ? (sum_sq[g] - n_spots * mean[g] * mean[g]) / (n_spots - 1) : 0.0;
    inv_sd[g] = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;  // constant genes drop out
  }
  std::vector<double> offset(n_sets, 0.0), n_used(n_sets, 0.0);
  for (int64_t s = 0; s < n_sets; ++s)
    for (int32_t g : c.match.sets[s].gene_indices)
      if (inv_sd[g] > 0) offset[s] += mean[g] * inv_sd[g], n_used[s] += 1;

#pragma omp parallel
  {
    std::vector<double> acc(n_sets);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < n; ++r) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t k = c.x.indptr[r]; k < c.x.indptr[r + 1]; ++k) {
        const int32_t g = c.x.indices[k];
        const double z = c.x.data[k] * inv_sd[g];
        c.index.for_sets_of(g, [&](int32_t s) { acc[s] += z; });
      }
      for (int64_t s = 0; s < n_sets; ++s)
        out.values[r * n_sets + s] = static_cast<float>(
            n_used[s] > 0 ? (acc[s] - offset[s]) / n_used[s] : std::nan(""));
    }
  }
}

}  // namespace stx::scoring
