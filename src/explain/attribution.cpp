#include "stx/explain/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "stx/core/error.hpp"
#include "stx/stats/stats.hpp"

namespace stx {
namespace {

std::vector<double> spot_sums(const Attribution& a) {
  std::vector<double> sums(static_cast<size_t>(a.n_spots), 0.0);
  for (int64_t i = 0; i < a.n_spots; ++i)
    for (int64_t f = 0; f < a.n_features; ++f) sums[static_cast<size_t>(i)] += a.values[static_cast<size_t>(i * a.n_features + f)];
  return sums;
}

std::vector<double> feature_sums(const Attribution& a) {
  std::vector<double> sums(static_cast<size_t>(a.n_features), 0.0);
  for (int64_t i = 0; i < a.n_spots; ++i)
    for (int64_t f = 0; f < a.n_features; ++f) sums[static_cast<size_t>(f)] += a.values[static_cast<size_t>(i * a.n_features + f)];
  return sums;
}

// The region's activity as the spots are removed in `order`, at each fraction of `fractions`
// (0 first, 1 last). Its ends are the same for every order, the activity and the baseline
// activity that integrated gradients computed: only the points between run the model.
std::vector<double> deletion_curve(const TrainedModel& model, const SlideData& slide, const RegionOfInterest& region,
                                   const Attribution& a, const std::vector<size_t>& order,
                                   const std::vector<double>& fractions, int threads) {
  std::vector<double> curve = {a.activity};
  for (size_t point = 1; point + 1 < fractions.size(); ++point) {
    std::vector<uint8_t> removed(order.size(), 0);
    const auto count = static_cast<size_t>(std::lround(fractions[point] * static_cast<double>(order.size())));
    for (size_t k = 0; k < count; ++k) removed[order[k]] = 1;
    curve.push_back(model.region_activity(slide, region, removed, threads));
  }
  curve.push_back(a.baseline_activity);
  return curve;
}

// The mean over the curve's points of how far the activity has gone from its value towards the
// baseline's (0 = not at all, 1 = all the way): the area under the deletion curve, normalised.
double mean_progress(double activity, double baseline, const std::vector<double>& curve) {
  double progress = 0;
  for (double v : curve) progress += (activity - v) / (activity - baseline);
  return progress / static_cast<double>(curve.size());
}

}  // namespace

RegionExplanation explain_region(const TrainedModel& model, const SlideData& slide, const RegionOfInterest& region,
                                 const ExplainOptions& options) {
  STX_CHECK(options.deletion_points >= 2 && options.deletion_points <= 1000 && options.random_orders >= 1 &&
                options.random_orders <= 1000,
            ConfigError, "explain: {} deletion points and {} random orders; expected 2 to 1000 and 1 to 1000",
            options.deletion_points, options.random_orders);
  RegionExplanation e;
  e.attribution = model.integrated_gradients(slide, region, options.steps, options.threads);
  e.per_spot = spot_sums(e.attribution);
  e.per_feature = feature_sums(e.attribution);
  const double total = std::accumulate(e.per_spot.begin(), e.per_spot.end(), 0.0);
  e.completeness_gap = std::abs(total - (e.attribution.activity - e.attribution.baseline_activity));

  for (int k = 0; k <= options.deletion_points; ++k)
    e.removed_fraction.push_back(static_cast<double>(k) / options.deletion_points);
  std::vector<size_t> order(e.per_spot.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // the spots that moved the activity away from the baseline most go first, whichever way it moved
  const double sign = e.attribution.activity >= e.attribution.baseline_activity ? 1.0 : -1.0;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t i, size_t j) { return sign * e.per_spot[i] > sign * e.per_spot[j]; });
  e.deletion = deletion_curve(model, slide, region, e.attribution, order, e.removed_fraction, options.threads);
  std::mt19937_64 rng(options.seed);
  e.random_deletion.assign(e.removed_fraction.size(), 0.0);
  for (int draw = 0; draw < options.random_orders; ++draw) {
    std::shuffle(order.begin(), order.end(), rng);
    const auto curve = deletion_curve(model, slide, region, e.attribution, order, e.removed_fraction, options.threads);
    for (size_t k = 0; k < curve.size(); ++k) e.random_deletion[k] += curve[k] / options.random_orders;
  }
  e.deletion_area = mean_progress(e.attribution.activity, e.attribution.baseline_activity, e.deletion);
  e.random_deletion_area = mean_progress(e.attribution.activity, e.attribution.baseline_activity, e.random_deletion);

  const TrainedModel random_model = model.randomised(options.seed + 1);
  const Attribution random_attribution = random_model.integrated_gradients(slide, region, options.steps, options.threads);
  e.sanity_rank_correlation = spearman(e.per_spot, spot_sums(random_attribution));
  return e;
}

}  // namespace stx
