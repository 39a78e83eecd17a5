// QuadFlow's linear path (QuadFlowOptions::linear_path): a ridge regression of the standardised
// pathway targets on what the model's linear path reads (the model's input features, and with
// linear_path_neighbours their neighbourhood mean), fitted in closed form exactly as the ridge
// baseline is (penalty chosen by leave-one-group-out on the training slides only), then frozen
// inside the model. Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stx {

struct LinearPath {
  std::vector<float> weight;  // (I, P) row-major: activities = inputs @ weight + bias
  std::vector<float> bias;    // (P)
  double lambda = 0;
  int64_t rank = 0;           // 0: full rank
};

/// The ranks the reduced-rank path chooses among (0: full rank).
inline std::vector<int64_t> linear_path_ranks() { return {0, 3, 5, 8, 12, 20}; }

/// One training slide as the linear path sees it.
struct LinearPathSlide {
  std::vector<float> inputs;   // (N, I) row-major
  std::vector<float> targets;  // (N, P) standardised pathway scores
  std::string group;           // cross-validation group (section or patient)
};

/// Fits on `train`; the penalty (and, with `reduced_rank`, the rank among linear_path_ranks())
/// chosen by leave-one-group-out, or leave-one-slide-out when all share a group. One slide:
/// the ridge baseline's fixed penalty at full rank.
LinearPath fit_linear_path(const std::vector<LinearPathSlide>& train, int64_t input_dim, int64_t n_targets,
                           bool reduced_rank);

}  // namespace stx
