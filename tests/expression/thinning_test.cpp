// Binomial thinning: deterministic for a seed and any thread count, spots at or below the
// target untouched, and each deeper spot's expected composition kept (the mean over many
// seeds against count * target / total, within five binomial standard errors).
#include <omp.h>

#include <cmath>

#include "stx/expression/thinning.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

// Spot 0: 10 counts (below the target); spot 1: 1,000 over five genes; spot 2: 300.
CsrMatrix three_spots() {
  return test::csr_rows(6, {{{0, 3}, {4, 6}}, {{0, 1, 2, 4, 5}, {500, 250, 125, 100, 25}}, {{1, 5}, {200, 100}}});
}

TEST(Thinning, SameSeedSameCountsAnyThreads) {
  const CsrMatrix m = three_spots();
  omp_set_num_threads(1);
  const CsrMatrix a = thin_counts(m, 100, 7);
  omp_set_num_threads(2);
  const CsrMatrix b = thin_counts(m, 100, 7), other = thin_counts(m, 100, 8);
  EXPECT_EQ(a.indptr, b.indptr);
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.data, b.data);
  EXPECT_NE(a.data, other.data);
  a.validate("thinned");
}

TEST(Thinning, ShallowSpotsAreUntouched) {
  const CsrMatrix t = thin_counts(three_spots(), 100, 1);
  EXPECT_EQ(t.indptr[1], 2);
  EXPECT_EQ(t.indices[0], 0);
  EXPECT_EQ(t.indices[1], 3);
  EXPECT_EQ(t.data[0], 4.0f);
  EXPECT_EQ(t.data[1], 6.0f);
}

TEST(Thinning, KeepsEachSpotsExpectedComposition) {
  const CsrMatrix m = three_spots();
  const int draws = 2000;
  const double target = 100;
  std::vector<double> mean(static_cast<size_t>(3 * m.n_cols), 0.0), total(3, 0.0);
  for (int s = 0; s < draws; ++s) {
    const CsrMatrix t = thin_counts(m, 100, static_cast<uint64_t>(s));
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t k = t.indptr[r]; k < t.indptr[r + 1]; ++k) {
        mean[r * m.n_cols + t.indices[k]] += t.data[k] / draws;
        total[r] += t.data[k] / draws;
      }
  }
  const std::vector<double> totals = m.row_sums();
  for (int64_t r = 1; r < 3; ++r) {
    const double keep = target / totals[r];
    EXPECT_NEAR(total[r], target, 5 * std::sqrt(target * (1 - keep) / draws)) << r;
    for (int64_t k = m.indptr[r]; k < m.indptr[r + 1]; ++k) {
      const double count = m.data[k], expected = count * keep;
      const double se = std::sqrt(count * keep * (1 - keep) / draws);
      EXPECT_NEAR(mean[r * m.n_cols + m.indices[k]], expected, 5 * se) << r << "," << m.indices[k];
    }
  }
}

TEST(Thinning, RefusesFractionalCountsAndNoTarget) {
  CsrMatrix m = three_spots();
  EXPECT_STX_ERROR(thin_counts(m, 0, 1), ConfigError, "positive target depth");
  m.data[2] = 2.5f;
  EXPECT_STX_ERROR(thin_counts(m, 100, 1), FormatError, "whole counts, found 2.5");
}

}  // namespace
}  // namespace stx
