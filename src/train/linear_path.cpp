#include "linear_path.hpp"

#include <algorithm>
#include <set>

#include "stx/eval/ridge.hpp"

namespace stx {

namespace {
void append_standardised(const std::vector<float>& values, const std::vector<float>& mean,
                         const std::vector<float>& sd, DenseMatrix& out) {
  const size_t cols = mean.size();
  for (size_t i = 0; i < values.size(); ++i)
    out.values.push_back((values[i] - mean[i % cols]) / sd[i % cols]);
  out.rows += static_cast<int64_t>(values.size() / cols);
}
}  // namespace

LinearPath fit_linear_path(const std::vector<const SlideData*>& train, const Standardisation& stats,
                           double lambda) {
  const int64_t f = static_cast<int64_t>(stats.feature_mean.size());
  const int64_t p = static_cast<int64_t>(stats.pathway_mean.size());
  DenseMatrix x{0, f, {}}, y{0, p, {}};
  std::vector<std::string> group_names;
  std::vector<int> by_group, by_slide;
  for (size_t s = 0; s < train.size(); ++s) {
    append_standardised(train[s]->features, stats.feature_mean, stats.feature_sd, x);
    append_standardised(train[s]->pathways, stats.pathway_mean, stats.pathway_sd, y);
    auto it = std::find(group_names.begin(), group_names.end(), train[s]->group);
    if (it == group_names.end()) it = group_names.insert(group_names.end(), train[s]->group);
    by_group.insert(by_group.end(), static_cast<size_t>(train[s]->n_spots()),
                    static_cast<int>(it - group_names.begin()));
    by_slide.insert(by_slide.end(), static_cast<size_t>(train[s]->n_spots()), static_cast<int>(s));
  }
  // Groups as in the cross-validation (section or patient); slides when there is one group;
  // the ridge baseline's fixed penalty when there is one slide.
  const std::vector<int>& groups = group_names.size() >= 2 ? by_group : by_slide;
  const bool several = std::set<int>(groups.begin(), groups.end()).size() >= 2;
  LinearPath path;
  path.lambda = lambda > 0   ? lambda
                : several    ? choose_ridge_lambda(x, y, groups, default_ridge_lambdas())
                             : kFallbackRidgeLambda;
  const RidgeModel ridge = fit_ridge(x, y, path.lambda);
  // ridge predicts ((x - m) / s) @ C + intercept; fold m and s into the weight and bias.
  path.weight.resize(static_cast<size_t>(f * p));
  path.bias.assign(ridge.intercept.begin(), ridge.intercept.end());
  for (int64_t d = 0; d < f; ++d)
    for (int64_t t = 0; t < p; ++t) {
      const double w = ridge.coefficients.at(d, t) / ridge.feature_scale[static_cast<size_t>(d)];
      path.weight[static_cast<size_t>(d * p + t)] = static_cast<float>(w);
      path.bias[static_cast<size_t>(t)] -= static_cast<float>(w * ridge.feature_mean[static_cast<size_t>(d)]);
    }
  return path;
}

}  // namespace stx
