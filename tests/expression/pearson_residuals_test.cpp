// Analytic Pearson residuals against golden numbers computed with NumPy from the formula of
// Lause et al. 2021 (mu = n p, (x - mu) / sqrt(mu + mu^2 / theta), clipped):
//   X = [[0,3,1,0,6],[2,0,0,1,9],[5,1,0,0,0],[0,0,4,2,30]]
//   n = X.sum(1, keepdims=True); p = X.sum(0, keepdims=True) / X.sum(); mu = n * p
//   np.clip((X - mu) / np.sqrt(mu + mu**2 / theta), -c, c)
#include "stx/expression/pearson_residuals.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

CsrMatrix four_spots() {
  CsrMatrix m;
  m.n_cols = 6;  // gene 5 has no counts anywhere
  m.append_row({1, 2, 4}, {3, 1, 6});
  m.append_row({0, 3, 4}, {2, 1, 9});
  m.append_row({0, 1}, {5, 1});
  m.append_row({2, 3, 4}, {4, 2, 30});
  return m;
}

TEST(PearsonResiduals, MatchNumPyWithScanpyDefaults) {
  // theta 100, clip sqrt(4 spots) = 2; columns 4, 0, 2 in that order
  const std::vector<float> z = pearson_residuals(four_spots(), {4, 0, 2});
  const std::vector<double> expected = {-0.375917369, -1.040152171, 0.246526254,  //
                                        0.185962718,  0.596199394,  -0.963738849,
                                        -2.0,         2.0,          -0.68305416,
                                        0.832293616,  -1.946364389, 0.698335939};
  ASSERT_EQ(z.size(), expected.size());
  for (size_t i = 0; i < z.size(); ++i) EXPECT_NEAR(z[i], expected[i], 1e-6) << i;
}

TEST(PearsonResiduals, ThetaClipAndAGeneWithoutCounts) {
  const std::vector<float> z = pearson_residuals(four_spots(), {1, 5}, {10, 1.5});
  const std::vector<double> gene1 = {1.5, -0.83526907, 1.00200602, -1.355261854};
  for (size_t r = 0; r < 4; ++r) {
    EXPECT_NEAR(z[r * 2], gene1[r], 1e-6) << r;
    EXPECT_EQ(z[r * 2 + 1], 0.0f) << r;  // mean 0: no residual, not NaN
  }
}

}  // namespace
}  // namespace stx
