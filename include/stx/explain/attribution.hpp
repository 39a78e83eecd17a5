// `stx explain`: which spots and which features made the model predict a region's pathway
// activity, by integrated gradients (TrainedModel::integrated_gradients), with the checks that
// say how far to trust the map: completeness (the attributions add up to the activity's
// change from the baseline), a deletion curve (removing the most attributed spots first must
// lower the activity faster than removing spots at random) and the randomised-weights sanity
// check (a model with random weights must attribute differently). See docs/explain.md.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

struct ExplainOptions {
  int steps = 64;            // integrated gradients' trapezoid steps
  int deletion_points = 10;  // the deletion curve removes 0, 1/10, ..., all of the spots
  int random_orders = 5;     // random deletion: the mean over this many orders
  uint64_t seed = 0;         // the random orders and the randomised model
  int threads = 0;
};

struct RegionExplanation {
  Attribution attribution;
  std::vector<double> per_spot;     // (N) each spot's attribution (its features' sum)
  std::vector<double> per_feature;  // (F) each feature's (over the spots)
  double completeness_gap = 0;      // |sum of attributions - (activity - baseline activity)|
  std::vector<double> removed_fraction, deletion, random_deletion;  // the curves' points
  // How fast each curve goes from the activity to the baseline activity: the mean over its
  // points of the share of the way gone (0 to 1; higher = faster). The spots that moved the
  // activity away from the baseline most are removed first; random orders are the reference.
  double deletion_area = 0, random_deletion_area = 0;
  double sanity_rank_correlation = 0;         // Spearman of per_spot with the randomised model's
};

/// Attributes `region`'s activity on `slide` and runs the checks.
RegionExplanation explain_region(const TrainedModel& model, const SlideData& slide, const RegionOfInterest& region,
                                 const ExplainOptions& options = {});

}  // namespace stx
