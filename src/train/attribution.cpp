// Attribution of a region's predicted pathway activity to the model's input: integrated
// gradients, the activity with spots removed (set to the baseline), and the randomised-weights
// copy of a model for the sanity check. The baseline is a model input of zero: standardised
// features at their mean.
#include <torch/csrc/autograd/autograd.h>

#include <cmath>

#include "stx/core/error.hpp"
#include "stx/torch/tensor_values.hpp"
#include "stx/train/trained_model.hpp"
#include "trained_model_impl.hpp"

namespace stx {
namespace {

// (N) weights that average over the region's spots; checks the region against the slide.
torch::Tensor region_weights(const SlideData& slide, const RegionOfInterest& region, const ModelMetadata& m) {
  STX_CHECK(static_cast<int64_t>(region.spots.size()) == slide.n_spots(), ShapeError,
            "{}: the region flags {} spots, the slide has {}", slide.name(), region.spots.size(), slide.n_spots());
  STX_CHECK(region.pathway >= 0 && region.pathway < static_cast<int64_t>(m.pathways.size()), ConfigError,
            "attribution: pathway {} of {}", region.pathway, m.pathways.size());
  STX_CHECK(m.encoder_tail.blocks == 0, ConfigError,
            "attribution of a model with a fine-tuned encoder tail is not supported yet");
  std::vector<float> w(region.spots.begin(), region.spots.end());
  double n = 0;
  for (float v : w) n += v;
  STX_CHECK(n > 0, ConfigError, "{}: the region holds no spot", slide.name());
  return torch::tensor(w) / n;
}

// The members' mean of the region's activity (standardised units) at model input x.
torch::Tensor region_mean(std::vector<QuadFlow>& modules, const torch::Tensor& x, const Neighbourhood& nb,
                          const torch::Tensor& weights, int64_t pathway) {
  torch::Tensor total;
  for (auto& module : modules) {
    module->eval();
    const auto v = (module->forward(x, nb, false).pathways.select(1, pathway) * weights).sum();
    total = total.defined() ? total + v : v;
  }
  return total / static_cast<double>(modules.size());
}

}  // namespace

Attribution TrainedModel::integrated_gradients(const SlideData& slide, const RegionOfInterest& region, int steps,
                                               int threads) const {
  const ModelMetadata& m = metadata();
  STX_CHECK(steps >= 2 && steps <= 10000, ConfigError, "integrated gradients: {} steps; expected 2 to 10000", steps);
  const auto weights = region_weights(slide, region, m);
  torch_compat::set_threads(threads);
  const auto x = input_features(slide, m);
  const Neighbourhood nb = slide_neighbourhood(slide, m.model);
  const double sd = m.pathway_sd[static_cast<size_t>(region.pathway)];
  const double mean = m.pathway_mean[static_cast<size_t>(region.pathway)];
  Attribution a;
  auto path_sum = torch::zeros_like(x);
  for (int k = 0; k <= steps; ++k) {
    const auto point = (x * (static_cast<double>(k) / steps)).detach().requires_grad_(true);
    const auto f = region_mean(impl_->modules, point, nb, weights, region.pathway);
    const auto gradient = torch::autograd::grad({f}, {point})[0];
    path_sum += (k == 0 || k == steps ? 0.5 : 1.0) * gradient;
    // the path's ends are the baseline (input 0) and the slide itself
    if (k == 0) a.baseline_activity = f.item<double>() * sd + mean;
    if (k == steps) a.activity = f.item<double>() * sd + mean;
  }
  a.n_spots = slide.n_spots();
  a.n_features = x.size(1);
  a.values = to_vector(x * path_sum / static_cast<double>(steps) * sd);
  return a;
}

double TrainedModel::region_activity(const SlideData& slide, const RegionOfInterest& region,
                                     const std::vector<uint8_t>& removed, int threads) const {
  const ModelMetadata& m = metadata();
  const auto weights = region_weights(slide, region, m);
  STX_CHECK(static_cast<int64_t>(removed.size()) == slide.n_spots(), ShapeError,
            "{}: {} removal flags for {} spots", slide.name(), removed.size(), slide.n_spots());
  torch_compat::set_threads(threads);
  torch::NoGradGuard no_grad;
  const auto keep = torch::tensor(std::vector<float>(removed.begin(), removed.end())).view({-1, 1}).eq(0);
  const auto x = input_features(slide, m) * keep;
  const auto f = region_mean(impl_->modules, x, slide_neighbourhood(slide, m.model), weights, region.pathway);
  return f.item<double>() * m.pathway_sd[static_cast<size_t>(region.pathway)] +
         m.pathway_mean[static_cast<size_t>(region.pathway)];
}

TrainedModel TrainedModel::randomised(uint64_t seed) const {
  const ModelMetadata& m = metadata();
  torch::manual_seed(seed);
  TrainedModel copy;
  copy.impl_ = std::make_shared<Impl>();
  copy.impl_->metadata = m;
  torch::NoGradGuard no_grad;
  const auto noise_like = [](const torch::Tensor& trained) {
    return trained.numel() > 1 ? torch::randn_like(trained) * trained.std() + trained.mean() : trained.clone();
  };
  for (const auto& trained : impl_->modules) {
    QuadFlow fresh = make_quadflow(m);
    const auto weights = trained->named_parameters(), buffers = trained->named_buffers();
    for (auto& p : fresh->named_parameters()) p.value().copy_(noise_like(weights[p.key()]));
    for (auto& b : fresh->named_buffers())
      if (b.key() != "membership" && b.key() != "overlap") b.value().copy_(noise_like(buffers[b.key()]));
    copy.impl_->modules.push_back(fresh);
  }
  return copy;
}

}  // namespace stx
