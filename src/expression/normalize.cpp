// log1p(CP10k) on CSR; rows are independent, so they are done in parallel.
#include "stx/expression/normalize.hpp"

#include <cmath>

namespace stx {

CsrMatrix log_normalize(const CsrMatrix& counts, const LogNormOptions& options) {
  CsrMatrix out = counts;
  const std::vector<double> totals = counts.row_sums();
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < counts.n_rows; ++r) {
    if (totals[r] <= 0) continue;
    const double scale = options.target_sum / totals[r];
    for (int64_t k = counts.indptr[r]; k < counts.indptr[r + 1]; ++k)
      out.data[k] = static_cast<float>(std::log1p(counts.data[k] * scale));
  }
  return out;
}

}  // namespace stx
