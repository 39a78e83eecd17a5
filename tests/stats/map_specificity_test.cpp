#include "stx/stats/map_specificity.hpp"

#include <cmath>

#include "stx/stats/stats.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

// 8 spots x 4 targets; prediction 0 follows truth 0, prediction 1 half of truth 0, predictions
// 2 and 3 swap truths 2 and 3 (plus noise). Golden values from NumPy:
//   rng = np.random.default_rng(7); T = np.round(rng.normal(size=(8, 4)), 2)
//   P = np.round(T[:, [0, 0, 3, 2]] * [1, 0.5, 1, 1] + rng.normal(scale=0.5, size=(8, 4)), 2)
//   R = np.corrcoef(M.T); between[t] = (np.abs(R[t]).sum() - 1) / 3     (M = T or P)
//   closest[i] = argmax_j np.corrcoef(P[:, i], T[:, j])[0, 1]
const DenseMatrix kTruth{8, 4, {0.0,   0.3,   -0.27, -0.89, -0.45, -0.99, 0.06,  1.34,
                                -0.49, -0.62, 0.49,  0.36,  0.11,  -0.93, -0.03, 0.7,
                                -1.34, -0.46, -1.9,  -1.29, -1.84, -0.24, -1.27, 0.27,
                                0.16,  -0.19, -2.52, -0.54, -0.05, 0.11,  -1.53, -0.48}};
const DenseMatrix kPredicted{8, 4, {-0.49, -0.4,  -0.36, -0.67, -0.47, 0.22,  1.05,  0.0,
                                    -0.43, -0.21, -0.25, 0.53,  0.79,  -0.72, 1.13,  0.03,
                                    -1.66, 0.33,  -0.91, -2.5,  -1.8,  -0.63, 0.18,  -0.93,
                                    0.13,  0.41,  0.18,  -2.86, 0.05,  -0.26, -0.42, -2.12}};

TEST(MapSpecificity, MatchesNumPy) {
  const MapSpecificity s = map_specificity(kTruth, kPredicted);
  const std::vector<double> measured = {0.0964438503770178, 0.42056046566494, 0.413232003193319, 0.470859642796789};
  const std::vector<double> predicted = {0.266648655008744, 0.304139151679362, 0.41331145659354, 0.404045100984371};
  for (size_t t = 0; t < 4; ++t) {
    EXPECT_NEAR(s.measured_between[t], measured[t], 1e-12) << t;
    EXPECT_NEAR(s.predicted_between[t], predicted[t], 1e-12) << t;
  }
  EXPECT_EQ(s.closest_measured, (std::vector<int64_t>{0, 0, 3, 2}));
  const OwnClosest own = count_own_closest(s.closest_measured);
  EXPECT_EQ(own.own, 1);
  EXPECT_EQ(own.defined, 4);
}

TEST(MapSpecificity, CorrelationMatricesMatchPearson) {
  const MapSpecificity s = map_specificity(kTruth, kPredicted);
  for (const auto& [r, m] : {std::pair{&s.measured_r, &kTruth}, std::pair{&s.predicted_r, &kPredicted}}) {
    ASSERT_EQ(r->rows, 4);
    ASSERT_EQ(r->cols, 4);
    for (int64_t a = 0; a < 4; ++a)
      for (int64_t b = 0; b < 4; ++b) {
        std::vector<double> x, y;
        for (int64_t i = 0; i < 8; ++i) x.push_back(m->at(i, a)), y.push_back(m->at(i, b));
        EXPECT_NEAR(r->at(a, b), pearson(x, y), 1e-12);
      }
  }
}

// One map drawn at four scales (and one sign flipped): every map correlates fully with the
// others, and each prediction is as close to truth 0 as to any.
TEST(MapSpecificity, OneMapDrawnManyTimes) {
  DenseMatrix one{8, 4, std::vector<double>(32)};
  for (int64_t i = 0; i < 8; ++i)
    for (int64_t c = 0; c < 4; ++c) one.at(i, c) = (c == 2 ? -1.0 : 1.0 + static_cast<double>(c)) * kTruth.at(i, 0);
  const MapSpecificity s = map_specificity(kTruth, one);
  for (double v : s.predicted_between) EXPECT_NEAR(v, 1.0, 1e-12);
  EXPECT_EQ(s.closest_measured[0], 0);
  EXPECT_EQ(s.closest_measured[1], 0);
  EXPECT_EQ(count_own_closest(s.closest_measured).own, 1);
}

// A constant prediction (the mean predictor) has no correlation: NaN, no closest map, and it
// is left out of the other targets' means rather than counted as 0.
TEST(MapSpecificity, ConstantMapIsUndefinedAndLeftOut) {
  DenseMatrix p = kPredicted;
  for (int64_t i = 0; i < 8; ++i) p.at(i, 1) = 0.1f;  // float rounding: still constant
  const MapSpecificity s = map_specificity(kTruth, p);
  EXPECT_TRUE(std::isnan(s.predicted_between[1]));
  EXPECT_EQ(s.closest_measured[1], -1);
  EXPECT_EQ(count_own_closest(s.closest_measured).defined, 3);
  std::vector<double> x, y;
  for (int64_t i = 0; i < 8; ++i) x.push_back(p.at(i, 0)), y.push_back(p.at(i, 2));
  std::vector<double> z;
  for (int64_t i = 0; i < 8; ++i) z.push_back(p.at(i, 3));
  EXPECT_NEAR(s.predicted_between[0], (std::abs(pearson(x, y)) + std::abs(pearson(x, z))) / 2, 1e-12);
}

TEST(MapSpecificity, ShapeMismatchIsAnError) {
  EXPECT_THROW(map_specificity(kTruth, DenseMatrix{8, 3, std::vector<double>(24)}), ShapeError);
}

}  // namespace
}  // namespace stx
