// The map specificity terms of QuadFlow's loss against the same numbers computed one
// Pearson r at a time (stats.hpp), and what they must reward.
#include <gtest/gtest.h>

#include <cmath>

#include "stx/model/loss.hpp"
#include "stx/stats/stats.hpp"

namespace stx {
namespace {

std::vector<double> column(const torch::Tensor& m, int64_t c) {
  const auto col = m.select(1, c).contiguous().to(torch::kDouble);
  return std::vector<double>(col.data_ptr<double>(), col.data_ptr<double>() + col.numel());
}

torch::Tensor random_maps(int64_t n, int64_t t, uint64_t seed) {
  torch::manual_seed(seed);
  return torch::randn({n, t}, torch::kDouble);
}

TEST(MapLoss, CrossColumnPearsonEqualsPearson) {
  const auto a = random_maps(40, 5, 1), b = random_maps(40, 5, 2);
  const auto r = cross_column_pearson(a, b);
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t j = 0; j < 5; ++j) EXPECT_NEAR(r[i][j].item<double>(), pearson(column(a, i), column(b, j)), 1e-6);
}

TEST(MapLoss, StructureIsZeroForTheMeasuredMapsAndCountsOneMapDrawnManyTimes) {
  const auto truth = random_maps(60, 4, 3);
  // per-column affine transforms change no correlation
  const auto scaled = truth * torch::tensor({2.0, 0.5, 3.0, 1.0}, torch::kDouble) + 7.0;
  EXPECT_NEAR(map_structure_loss(scaled, truth).item<double>(), 0.0, 1e-10);
  // every column the first measured map: predicted r = 1 off the diagonal
  const auto one = truth.select(1, 0).unsqueeze(1).repeat({1, 4});
  double expected = 0;
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 4; ++j)
      if (i != j) expected += std::pow(1.0 - pearson(column(truth, i), column(truth, j)), 2);
  EXPECT_NEAR(map_structure_loss(one, truth).item<double>(), expected / 12, 1e-6);
}

TEST(MapLoss, ContrastIsTheCrossEntropyOfOwnMapAmongAll) {
  const auto truth = random_maps(50, 3, 4);
  const auto prediction = truth + 0.8 * random_maps(50, 3, 5);
  double expected = 0;
  for (int64_t i = 0; i < 3; ++i) {
    double sum = 0;
    for (int64_t j = 0; j < 3; ++j) sum += std::exp(pearson(column(prediction, i), column(truth, j)) / 0.1);
    expected += -(pearson(column(prediction, i), column(truth, i)) / 0.1 - std::log(sum));
  }
  EXPECT_NEAR(map_contrast_loss(prediction, truth).item<double>(), expected / 3, 1e-5);
  // the same maps under the wrong names cost more
  const auto swapped = torch::stack({prediction.select(1, 1), prediction.select(1, 0), prediction.select(1, 2)}, 1);
  EXPECT_GT(map_contrast_loss(swapped, truth).item<double>(), map_contrast_loss(prediction, truth).item<double>() + 1);
}

TEST(MapLoss, ConstantColumnGivesFiniteGradients) {
  auto prediction = random_maps(20, 3, 6).set_requires_grad(true);
  auto truth = random_maps(20, 3, 7);
  truth.select(1, 2).fill_(1.5);  // a pathway with no variance on this slide
  const auto loss = map_structure_loss(prediction, truth) + map_contrast_loss(prediction, truth);
  loss.backward();
  EXPECT_TRUE(std::isfinite(loss.item<double>()));
  EXPECT_TRUE(torch::isfinite(prediction.grad()).all().item<bool>());
}

}  // namespace
}  // namespace stx
