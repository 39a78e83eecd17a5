#include "stx/expression/thinning.hpp"

#include <cmath>
#include <random>

#include "stx/core/error.hpp"

namespace stx {

CsrMatrix thin_counts(const CsrMatrix& counts, int64_t target_total, uint64_t seed) {
  STX_CHECK(target_total > 0, ConfigError, "thinning needs a positive target depth, found {}", target_total);
  for (float v : counts.data)
    STX_CHECK(v >= 0 && std::floor(v) == v && v < 1e9f, FormatError,
              "thinning needs whole counts, found {}: give raw counts, not normalised values", v);
  const std::vector<double> totals = counts.row_sums();
  std::vector<std::vector<int32_t>> cols(static_cast<size_t>(counts.n_rows));
  std::vector<std::vector<float>> values(static_cast<size_t>(counts.n_rows));
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t r = 0; r < counts.n_rows; ++r) {
    const int64_t begin = counts.indptr[r], end = counts.indptr[r + 1];
    if (totals[r] <= static_cast<double>(target_total)) {
      cols[r].assign(counts.indices.begin() + begin, counts.indices.begin() + end);
      values[r].assign(counts.data.begin() + begin, counts.data.begin() + end);
      continue;
    }
    std::mt19937_64 rng(seed ^ (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(r + 1)));
    const double keep = static_cast<double>(target_total) / totals[r];
    for (int64_t k = begin; k < end; ++k) {
      std::binomial_distribution<int64_t> draw(static_cast<int64_t>(counts.data[k]), keep);
      const int64_t kept = draw(rng);
      if (kept > 0) cols[r].push_back(counts.indices[k]), values[r].push_back(static_cast<float>(kept));
    }
  }
  CsrMatrix out;
  out.n_cols = counts.n_cols;
  for (int64_t r = 0; r < counts.n_rows; ++r) out.append_row(cols[r], values[r]);
  return out;
}

}  // namespace stx
