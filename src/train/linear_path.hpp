// QuadFlow's linear path (QuadFlowOptions::linear_path): a ridge regression of the standardised
// pathway targets on the standardised features of the training slides, fitted in closed form
// exactly as the ridge baseline is (penalty chosen by leave-one-group-out on the training
// slides only), then frozen inside the model. Torch-free.
#pragma once

#include <vector>

#include "stx/train/slide_data.hpp"

namespace stx {

struct LinearPath {
  std::vector<float> weight;  // (F, P) row-major: activities = features @ weight + bias
  std::vector<float> bias;    // (P)
  double lambda = 0;
};

struct Standardisation {
  const std::vector<float>& feature_mean;
  const std::vector<float>& feature_sd;
  const std::vector<float>& pathway_mean;
  const std::vector<float>& pathway_sd;
};

/// Fits on `train` with penalty `lambda`, or with the one chosen by leave-one-group-out when
/// `lambda` is 0.
LinearPath fit_linear_path(const std::vector<const SlideData*>& train, const Standardisation& stats,
                           double lambda = 0);

}  // namespace stx
