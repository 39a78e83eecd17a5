// Honest evaluation: cross-validation by patient and by section within a patient (fold_plan.hpp)
// in which QuadFlow and the baselines are trained on the same training spots and features and
// scored on the same held-out spots, in one run:
//   mean          the training mean of each target (r is undefined: counted, not averaged)
//   library size  a per-target linear fit on log library size alone (the depth confound)
//   ridge         ridge on the encoder features (HEST protocol; lambda by inner
//                 leave-one-group-out on the training groups)
//   ridge, per-slide features   the same on features standardised over each slide's own spots
//                 (QuadFlow's default input), so the gain of that step alone is visible
//   quadflow      the model (and, with ablations, one variant per switched-off part)
// Per target: Pearson r, partial r given log library size, MSE, and map specificity (mean |r|
// of its predicted map with the other predicted maps, the same among the measured maps, and
// the measured map its prediction is closest to); per fold and method: means over all targets
// and over the 50 most variable ones, and how many predictions are closest to their own map.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "stx/train/dataset.hpp"
#include "stx/stats/ridge.hpp"
#include "stx/stats/fold_plan.hpp"
#include "stx/train/trainer.hpp"

namespace stx {

struct CvVariant {
  std::string name;  // "quadflow", "no H<->H", ...
  QuadFlowOptions model;
  LossWeights loss;
};

/// The full model and one variant per ablation: each flow off, strict bottleneck, no
/// smoothness penalty, and the linear path off (or, for a model without one, on).
std::vector<CvVariant> ablation_variants(const QuadFlowOptions& model, const LossWeights& loss);

struct CvOptions {
  TrainOptions train;  // run_dir unused: folds are not checkpointed
  FoldPlanOptions folds;
  bool ablations = false;
  std::vector<double> ridge_lambdas = default_ridge_lambdas();
  int64_t top_variable = 50;
};

struct CvRow {
  std::string protocol;  // fold_plan.hpp's names
  std::string fold;    // the held-out group or section
  std::string method;
  std::string kind;    // "gene" or "pathway"
  std::vector<double> r, partial_r, mse;  // per target
  std::vector<double> maps_between, measured_maps_between;  // per target (map_specificity.hpp)
  std::vector<int64_t> closest_measured;                    // per target, -1 when undefined
  double mean_r = 0, top_mean_r = 0, mean_partial_r = 0, mean_mse = 0;
  double mean_maps_between = 0, mean_measured_maps_between = 0;  // mean |r| between maps
  int64_t own_closest = 0, closest_defined = 0;  // predictions closest to their own measured map
  int undefined = 0;   // targets whose r is undefined
  double seconds = 0;  // training + prediction time of the method in this fold
};

struct CvResult {
  std::vector<Fold> folds;  // as run, in order
  std::vector<std::string> methods;
  std::vector<std::string> genes, pathways;
  std::vector<CvRow> rows;
};

using CvProgress = std::function<void(const std::string& fold, const std::string& method)>;

/// The folds cross_validate runs on these slides (their names and groups).
std::vector<Fold> plan_cv_folds(const std::vector<SlideData>& slides, const FoldPlanOptions& options);

CvResult cross_validate(const Dataset& data, const CvOptions& options,
                        const CvProgress& progress = {});

/// Markdown tables, one per protocol and kind: per method, mean r per fold and their mean,
/// then top-50 r, partial r, MSE means, the predicted maps' mean |r| between maps beside the
/// measured maps' and the predictions closest to their own measured map.
std::string cv_summary_markdown(const CvResult& result);

/// One TSV row per (protocol, fold, method, kind, target): r, partial r, MSE, the map
/// specificity columns (run_folder.hpp).
void write_cv_tsv(const CvResult& result, const std::string& path);

}  // namespace stx
