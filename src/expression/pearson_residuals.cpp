#include "stx/expression/pearson_residuals.hpp"

#include <algorithm>
#include <cmath>

namespace stx {

std::vector<float> pearson_residuals(const CsrMatrix& counts, const std::vector<int64_t>& columns,
                                     const PearsonResidualOptions& options) {
  const int64_t n_out = static_cast<int64_t>(columns.size());
  const std::vector<double> depth = counts.row_sums();
  std::vector<double> gene_total(static_cast<size_t>(counts.n_cols), 0.0);
  for (int64_t k = 0; k < counts.nnz(); ++k) gene_total[counts.indices[k]] += counts.data[k];
  double grand = 0;
  for (double d : depth) grand += d;
  const double clip = options.clip >= 0 ? options.clip : std::sqrt(static_cast<double>(counts.n_rows));
  std::vector<int64_t> slot(static_cast<size_t>(counts.n_cols), -1);
  for (int64_t j = 0; j < n_out; ++j) slot[columns[j]] = j;

  std::vector<float> out(static_cast<size_t>(counts.n_rows * n_out));
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < counts.n_rows; ++r) {
    std::vector<double> x(static_cast<size_t>(n_out), 0.0);
    for (int64_t k = counts.indptr[r]; k < counts.indptr[r + 1]; ++k)
      if (const int64_t j = slot[counts.indices[k]]; j >= 0) x[j] = counts.data[k];
    for (int64_t j = 0; j < n_out; ++j) {
      const double mu = grand > 0 ? depth[r] * gene_total[columns[j]] / grand : 0.0;
      const double z = mu > 0 ? (x[j] - mu) / std::sqrt(mu + mu * mu / options.theta) : 0.0;
      out[r * n_out + j] = static_cast<float>(std::clamp(z, -clip, clip));
    }
  }
  return out;
}

}  // namespace stx
