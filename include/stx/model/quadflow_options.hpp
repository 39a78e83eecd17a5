// The QuadFlow model's configuration: sizes, which of the four attention flows are on, the
// neighbourhood of the spatial (H<->H) attention and the gene decoder's bottleneck. Torch-free
// so the CLI and reports can read and print it; saved as JSON inside every checkpoint.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace stx {

struct QuadFlowOptions {
  // sizes (feature_dim, n_pathways and n_genes come from the data)
  int64_t feature_dim = 0;
  int64_t n_pathways = 0;
  int64_t n_genes = 0;
  int64_t width = 128;  // D: token width
  int64_t layers = 1;  // 2 won within patient C, 1 on a new patient (docs/model.md)
  int64_t heads = 4;

  // the four flows; each can be switched off for ablation
  bool spatial_attention = true;    // H<->H
  bool pathway_attention = true;    // P<->P
  bool cross_attention = true;      // P<->H, both directions
  bool pathway_readout = true;      // H->P through the pathway tokens (off: a linear head)
  // P<->P: add a learned per-head multiple of the gene-set overlap (Jaccard index of the full
  // gene sets) to the attention logits; the multiples start at 0
  bool overlap_bias = true;

  // A closed-form linear path from the features to the pathway activities (ridge regression,
  // its penalty chosen by leave-one-slide-out on the training slides, frozen during training):
  // the flows above then learn what a linear readout of the features misses, through a gate
  // that starts at 0, so training starts from the linear model instead of from noise.
  bool linear_path = true;
  // The linear path also reads the mean of each spot's neighbours' features (the H<->H
  // neighbourhood, the spot itself left out): the linear part of the spatial context.
  bool linear_path_neighbours = true;
  // Reduced-rank linear path: the pathways are predicted through a few shared components (the
  // Hallmark scores are strongly correlated); the rank, or full rank, is chosen with the
  // penalty by leave-one-group-out on the training slides.
  bool linear_path_reduced_rank = true;

  // Standardise each slide's features over its own spots (then the training spots' mean and
  // sd no longer matter): removes slide-wide shifts in stain and scan that the encoder passes
  // on, at the price of slide-wide differences in tissue. Off (the default): the training
  // spots' mean and sd. A new patient's tissue differs as a whole (HER2ST B4 sits ~2 sd off
  // patient C in texture features), and per-slide standardisation erased it: 0.08 against
  // 0.34 mean pathway r on B4 (docs/model.md).
  bool slide_feature_norm = false;

  // H<->H: each spot attends to its `neighbours` nearest spots (itself included) within
  // `radius_pitches` grid pitches, with a learned bias on the offset in µm; or to every spot.
  int64_t neighbours = 13;
  double radius_pitches = 2.5;
  bool full_attention = false;

  // genes = activities x (weights tied to gene-set membership) + a low-rank unconstrained
  // residual of rank `residual_rank` (0: strict bottleneck)
  int64_t residual_rank = 8;
  double dropout = 0.1;
};

void to_json(nlohmann::json& j, const QuadFlowOptions& o);
void from_json(const nlohmann::json& j, QuadFlowOptions& o);

/// One line: "width 128, 2 layers, 4 heads, flows HH+PP+PH+HP, 13 neighbours, residual rank 8".
std::string describe(const QuadFlowOptions& options);

}  // namespace stx

namespace stx {

/// Loss = gene * (MSE + 1 - r) + pathway * (MSE + 1 - r) + smoothness * mean squared
/// difference of neighbouring spots' pathway activities (r: Pearson per target over spots,
/// averaged over targets; everything on standardised targets).
struct LossWeights {
  double gene = 1.0;
  double pathway = 1.0;
  double smoothness = 0.05;
  // Map specificity (loss.hpp): the predicted pathway-pathway correlations over the step's
  // spots against the measured ones, and each predicted map's contrast between its own
  // measured map and the others'. 0 = off.
  double map_structure = 0.0;
  double map_contrast = 0.0;
};

void to_json(nlohmann::json& j, const LossWeights& w);
void from_json(const nlohmann::json& j, LossWeights& w);

}  // namespace stx
