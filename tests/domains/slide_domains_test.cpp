// The features of a prediction's domains: the PCs of predicted expression scale every gene
// first, so that a gene predicted on a ten-fold scale does not outweigh the others.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "stx/domains/slide_domains.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

double variance(const std::vector<double>& a) {
  const double n = static_cast<double>(a.size());
  const double m = std::accumulate(a.begin(), a.end(), 0.0) / n;
  double v = 0;
  for (double x : a) v += (x - m) * (x - m);
  return v / n;
}

TEST(PredictedExpressionPcs, EveryGeneIsScaledBeforeTheComponents) {
  // Genes 0 and 1 both follow t (gene 1 on a ten-fold scale); gene 2 is a sign pattern
  // uncorrelated with t. Scaled, two genes load on PC1 and one on PC2: var(PC1) = 2 var(PC2).
  // Unscaled, gene 1 alone would make PC1 (variance ratio about 100). Zeros are left out of
  // the sparse rows, as a clipped prediction stores them.
  const std::vector<double> t = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> w = {1, -1, 1, -1, -1, 1, -1, 1};
  CsrMatrix x;
  x.n_cols = 3;
  for (size_t i = 0; i < t.size(); ++i) {
    std::vector<int32_t> columns;
    std::vector<float> values;
    if (t[i] != 0) {
      columns.push_back(0);
      values.push_back(static_cast<float>(t[i]));
    }
    columns.push_back(1);
    values.push_back(static_cast<float>(10 * t[i] + 5));
    columns.push_back(2);
    values.push_back(static_cast<float>(w[i] + 1));
    x.append_row(columns, values);
  }
  const DenseMatrix pcs = predicted_expression_pcs(x, 2);
  ASSERT_EQ(pcs.rows, 8);
  ASSERT_EQ(pcs.cols, 2);
  std::vector<double> pc1, pc2;
  for (int64_t i = 0; i < pcs.rows; ++i) {
    pc1.push_back(pcs.at(i, 0));
    pc2.push_back(pcs.at(i, 1));
  }
  EXPECT_NEAR(std::abs(test::pearson_by_hand(pc1, t)), 1.0, 1e-9);
  EXPECT_NEAR(std::abs(test::pearson_by_hand(pc2, w)), 1.0, 1e-9);
  EXPECT_NEAR(variance(pc1) / variance(pc2), 2.0, 1e-9);
}

TEST(PredictedExpressionPcs, AtMostAsManyComponentsAsGenes) {
  CsrMatrix x;
  x.n_cols = 2;
  for (int i = 0; i < 5; ++i) x.append_row({0, 1}, {static_cast<float>(i), static_cast<float>(i * i)});
  EXPECT_EQ(predicted_expression_pcs(x, 15).cols, 2);
}

}  // namespace
}  // namespace stx
