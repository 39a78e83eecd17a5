#include "stx/eval/ridge.hpp"

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

}  // namespace
}  // namespace stx
