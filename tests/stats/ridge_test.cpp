#include "stx/stats/ridge.hpp"

#include <cmath>
#include <random>

#include "test_support.hpp"

namespace stx {
namespace {

// y0 = 2 x0 - 3 x1 + 5, y1 = x2 + noise; x in 4 groups.
void make_data(DenseMatrix& x, DenseMatrix& y, std::vector<int>& groups, double noise) {
  std::mt19937 rng(1);
  std::normal_distribution<double> n01(0, 1);
  x = {200, 3, {}};
  y = {200, 2, {}};
  for (int i = 0; i < 200; ++i) {
    const double a = n01(rng), b = n01(rng), c = n01(rng);
    x.values.insert(x.values.end(), {a, b, c});
    y.values.insert(y.values.end(), {2 * a - 3 * b + 5, c + noise * n01(rng)});
    groups.push_back(i % 4);
  }
}

TEST(Ridge, RecoversALinearMapWithTinyPenalty) {
  DenseMatrix x, y;
  std::vector<int> groups;
  make_data(x, y, groups, 0.0);
  const RidgeModel model = fit_ridge(x, y, 1e-9);
  const DenseMatrix p = predict_ridge(model, x);
  double worst = 0;
  for (size_t i = 0; i < p.values.size(); ++i) worst = std::max(worst, std::abs(p.values[i] - y.values[i]));
  EXPECT_LT(worst, 1e-6);
  // Coefficients are on standardised features: W = beta * sd(x).
  EXPECT_NEAR(model.coefficients.at(0, 0) / model.feature_scale[0], 2.0, 1e-6);
  EXPECT_NEAR(model.coefficients.at(1, 0) / model.feature_scale[1], -3.0, 1e-6);
  EXPECT_NEAR(model.intercept[0], [&] { double m = 0; for (int i = 0; i < 200; ++i) m += y.at(i, 0) / 200; return m; }(), 1e-9);
}

TEST(Ridge, PenaltyShrinksAndChoiceFavoursFitOnCleanData) {
  DenseMatrix x, y;
  std::vector<int> groups;
  make_data(x, y, groups, 0.1);
  const double small = std::abs(fit_ridge(x, y, 1e-3).coefficients.at(0, 0));
  const double large = std::abs(fit_ridge(x, y, 1e4).coefficients.at(0, 0));
  EXPECT_LT(large, 0.1 * small);
  EXPECT_EQ(choose_ridge_lambda(x, y, groups, {1e-3, 1e5}), 1e-3);
  EXPECT_GT(mean_column_pearson(y, predict_ridge(fit_ridge(x, y, 1e-3), x)), 0.99);
}

TEST(Ridge, UndefinedCorrelationsAreCounted) {
  const DenseMatrix truth{3, 2, {1, 5, 2, 5, 3, 5}};  // second column constant
  const DenseMatrix prediction{3, 2, {1, 1, 2, 2, 3, 3}};
  int undefined = 0;
  EXPECT_DOUBLE_EQ(mean_column_pearson(truth, prediction, &undefined), 1.0);
  EXPECT_EQ(undefined, 1);
}

// Three targets that are multiples of one latent linear signal, each with its own noise:
// 20 features, 60 spots in 3 groups.
void rank_one_data(DenseMatrix& x, DenseMatrix& y, std::vector<int>& groups) {
  std::mt19937 rng(4);
  std::normal_distribution<double> n01(0, 1);
  x = {60, 20, {}};
  y = {60, 3, {}};
  for (int i = 0; i < 60; ++i) {
    double latent = 0;
    for (int d = 0; d < 20; ++d) {
      x.values.push_back(n01(rng));
      if (d < 3) latent += x.values.back();
    }
    y.values.insert(y.values.end(), {latent + n01(rng), 2 * latent + 2 * n01(rng), -latent + n01(rng)});
    groups.push_back(i % 3);
  }
}

// Rank 1 makes the centred predictions a rank-1 matrix that stays close to the full fit (the
// truth is rank 1); rank 0 or >= the number of targets changes nothing; and on such data
// leave-one-group-out prefers rank 1 to the full-rank fit.
TEST(Ridge, ReducedRankPredictsThroughSharedComponents) {
  DenseMatrix x, y;
  std::vector<int> groups;
  rank_one_data(x, y, groups);
  const RidgeModel full = fit_ridge(x, y, 1.0);
  EXPECT_EQ(reduce_rank(full, x, 0).coefficients.values, full.coefficients.values);
  EXPECT_EQ(reduce_rank(full, x, 3).coefficients.values, full.coefficients.values);
  const DenseMatrix p = predict_ridge(reduce_rank(full, x, 1), x), q = predict_ridge(full, x);
  // 3 x 3 covariance of the rank-1 predictions: every 2 x 2 minor vanishes
  double cov[3][3] = {};
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      for (int64_t i = 0; i < p.rows; ++i) cov[a][b] += (p.at(i, a) - full.intercept[a]) * (p.at(i, b) - full.intercept[b]);
  for (int a = 0; a < 3; ++a)
    for (int b = a + 1; b < 3; ++b)
      EXPECT_NEAR(cov[a][a] * cov[b][b] - cov[a][b] * cov[b][a], 0.0, 1e-9 * cov[a][a] * cov[b][b]) << a << b;
  EXPECT_GT(mean_column_pearson(q, p), 0.95);
  const RidgeChoice choice = choose_ridge(x, y, groups, {1.0}, {0, 1});
  EXPECT_EQ(choice.rank, 1);
  EXPECT_EQ(choice.lambda, 1.0);
}

}  // namespace
}  // namespace stx
