// Integrated gradients and the checks of `stx explain` on models trained on synthetic slides.
// A model that is its ridge linear path (one step at a vanishing learning rate, the flows'
// gate still 0) is linear in its input, so its attributions are known exactly: removing any set
// of spots lowers the region's activity by exactly their attributions' sum. A trained,
// non-linear model must still meet completeness within 1e-3.
#include <numeric>
#include <random>

#include "stx/explain/attribution.hpp"
#include "train/synthetic_grid.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

using test::synthetic_metadata;
using test::synthetic_slide;

TrainedModel train(bool linear_only) {
  TrainOptions o = test::fast_options();
  if (linear_only) {
    o.epochs = 1;
    o.learning_rate = 1e-12;
  }
  o.model.linear_path_neighbours = true;  // the region's activity then reaches beyond its own spots
  return train_quadflow({synthetic_slide("A", 1), synthetic_slide("B", 2)}, nullptr, synthetic_metadata(), o);
}

RegionOfInterest left_half(const SlideData& slide, int64_t pathway) {
  RegionOfInterest region{pathway, {}};
  for (double x : slide.x_um()) region.spots.push_back(x < 550);
  return region;
}

TEST(Attribution, ALinearModelsAttributionsAreExact) {
  const TrainedModel model = train(true);
  const SlideData slide = synthetic_slide("C", 3);
  const RegionOfInterest region = left_half(slide, 0);
  const Attribution a = model.integrated_gradients(slide, region, 8, 1);
  ASSERT_EQ(a.n_spots, slide.n_spots());
  ASSERT_EQ(a.n_features, test::kFeatures);
  std::vector<double> per_spot(static_cast<size_t>(a.n_spots), 0.0);
  for (int64_t i = 0; i < a.n_spots; ++i)
    for (int64_t f = 0; f < a.n_features; ++f) per_spot[static_cast<size_t>(i)] += a.values[static_cast<size_t>(i * a.n_features + f)];
  const double total = std::accumulate(per_spot.begin(), per_spot.end(), 0.0);
  EXPECT_NEAR(total, a.activity - a.baseline_activity, 1e-5);
  EXPECT_GT(std::abs(a.activity - a.baseline_activity), 0.05);  // something to explain
  std::vector<uint8_t> none(per_spot.size(), 0);
  EXPECT_NEAR(model.region_activity(slide, region, none, 1), a.activity, 1e-6);
  std::mt19937_64 rng(3);
  for (int draw = 0; draw < 5; ++draw) {
    std::vector<uint8_t> removed(per_spot.size(), 0);
    double removed_sum = 0;
    for (size_t i = 0; i < removed.size(); ++i)
      if (rng() % 3 == 0) removed[i] = 1, removed_sum += per_spot[i];
    EXPECT_NEAR(model.region_activity(slide, region, removed, 1), a.activity - removed_sum, 1e-5) << draw;
  }
}

TEST(Attribution, ExplainRegionMeetsItsChecksOnATrainedModel) {
  const TrainedModel model = train(false);
  const SlideData slide = synthetic_slide("C", 3);
  ExplainOptions options;
  options.threads = 1;
  const RegionExplanation e = explain_region(model, slide, left_half(slide, 1), options);
  EXPECT_LT(e.completeness_gap, 1e-3);
  ASSERT_EQ(e.deletion.size(), 11u);
  EXPECT_NEAR(e.deletion.front(), e.attribution.activity, 1e-5);  // nothing removed
  EXPECT_NEAR(e.deletion.back(), e.attribution.baseline_activity, 1e-5);  // everything removed
  EXPECT_NEAR(e.random_deletion.back(), e.attribution.baseline_activity, 1e-5);
  // removing the most attributed spots first reaches the baseline faster than random removal
  EXPECT_GT(e.deletion_area, 1.5 * e.random_deletion_area);
  EXPECT_GT(e.random_deletion_area, 0.2);
  // a model with random weights attributes differently
  EXPECT_LT(e.sanity_rank_correlation, 0.5);
  const double feature_total = std::accumulate(e.per_feature.begin(), e.per_feature.end(), 0.0);
  EXPECT_NEAR(feature_total, std::accumulate(e.per_spot.begin(), e.per_spot.end(), 0.0), 1e-6);
}

TEST(Attribution, RandomisedKeepsTheShapesNotTheWeights) {
  const TrainedModel model = train(false);
  const TrainedModel random = model.randomised(1);
  const SlideData slide = synthetic_slide("C", 3);
  const Prediction a = model.predict(slide, false, 1), b = random.predict(slide, false, 1);
  ASSERT_EQ(a.pathways.size(), b.pathways.size());
  EXPECT_NE(a.pathways, b.pathways);
  EXPECT_EQ(random.metadata().membership, model.metadata().membership);
  const DecoderEffects d = random.decoder_effects();
  for (size_t i = 0; i < d.through_sets.size(); ++i) {
    if (!model.metadata().membership[i]) {
      EXPECT_EQ(d.through_sets[i], 0.f) << i;  // the sets still tie the decoder
    }
  }
}

TEST(Attribution, BadRegionsAreRefused) {
  const TrainedModel model = train(true);
  const SlideData slide = synthetic_slide("C", 3);
  EXPECT_STX_ERROR(model.integrated_gradients(slide, {0, {1, 0}}, 8, 1), ShapeError, "flags 2 spots");
  EXPECT_STX_ERROR(model.integrated_gradients(slide, {0, std::vector<uint8_t>(144, 0)}, 8, 1), ConfigError,
                   "holds no spot");
  EXPECT_STX_ERROR(model.integrated_gradients(slide, {7, std::vector<uint8_t>(144, 1)}, 8, 1), ConfigError,
                   "pathway 7 of 3");
  EXPECT_STX_ERROR(model.integrated_gradients(slide, {0, std::vector<uint8_t>(144, 1)}, 1, 1), ConfigError,
                   "1 steps");
}

}  // namespace
}  // namespace stx
