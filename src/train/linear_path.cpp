#include "linear_path.hpp"

#include <algorithm>
#include <set>

#include "stx/stats/ridge.hpp"
#include "stx/stats/fold_plan.hpp"

namespace stx {

LinearPath fit_linear_path(const std::vector<LinearPathSlide>& train, int64_t input_dim, int64_t n_targets,
                           bool reduced_rank) {
  DenseMatrix x{0, input_dim, {}}, y{0, n_targets, {}};
  std::vector<std::string> slide_groups;
  std::vector<int64_t> spots;
  for (size_t s = 0; s < train.size(); ++s) {
    const int64_t rows = static_cast<int64_t>(train[s].inputs.size()) / input_dim;
    x.values.insert(x.values.end(), train[s].inputs.begin(), train[s].inputs.end());
    y.values.insert(y.values.end(), train[s].targets.begin(), train[s].targets.end());
    x.rows += rows;
    y.rows += rows;
    slide_groups.push_back(train[s].group);
    spots.push_back(rows);
  }
  // Groups as in the cross-validation (section or patient); slides when there is one group;
  // the ridge baseline's fixed penalty when there is one slide.
  const std::vector<int> groups = inner_fold_ids(slide_groups, spots);
  const bool several = std::set<int>(groups.begin(), groups.end()).size() >= 2;
  const RidgeChoice choice =
      several ? choose_ridge(x, y, groups, default_ridge_lambdas(), reduced_rank ? linear_path_ranks() : std::vector<int64_t>{0})
              : RidgeChoice{kFallbackRidgeLambda, 0};
  LinearPath path;
  path.lambda = choice.lambda;
  path.rank = choice.rank;
  const RidgeModel ridge = reduce_rank(fit_ridge(x, y, path.lambda), x, path.rank);
  // ridge predicts ((x - m) / s) @ C + intercept; fold m and s into the weight and bias.
  path.weight.resize(static_cast<size_t>(input_dim * n_targets));
  path.bias.assign(ridge.intercept.begin(), ridge.intercept.end());
  for (int64_t d = 0; d < input_dim; ++d)
    for (int64_t t = 0; t < n_targets; ++t) {
      const double w = ridge.coefficients.at(d, t) / ridge.feature_scale[static_cast<size_t>(d)];
      path.weight[static_cast<size_t>(d * n_targets + t)] = static_cast<float>(w);
      path.bias[static_cast<size_t>(t)] -= static_cast<float>(w * ridge.feature_mean[static_cast<size_t>(d)]);
    }
  return path;
}

}  // namespace stx
