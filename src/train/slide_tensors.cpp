#include "slide_tensors.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "trained_model_impl.hpp"

namespace stx {
namespace {

Neighbourhood to_device(const Neighbourhood& nb, const torch::Device& device) {
  return {nb.index.to(device), nb.valid.to(device), nb.offset_um.to(device), nb.edges.to(device)};
}

}  // namespace

SlideTensors slide_tensors(const SlideData& s, const ModelMetadata& m, const torch::Device& device) {
  SlideTensors t;
  t.features = input_features(s, m).to(device);
  t.genes = standardised(s.genes, s.n_spots(), m.gene_mean, m.gene_sd).to(device);
  t.pathways = standardised(s.pathways, s.n_spots(), m.pathway_mean, m.pathway_sd).to(device);
  t.slide = &s;
  t.neighbourhood = to_device(slide_neighbourhood(s, m.model), device);
  const auto tokens = slide_tokens(s, m.encoder_tail);
  if (tokens.defined()) t.tokens = tokens.to(device);
  return t;
}

Crop whole(const SlideTensors& s) { return {s.features, s.genes, s.pathways, s.tokens, s.neighbourhood}; }

Crop random_crop(const SlideTensors& s, int64_t count, uint64_t seed, const QuadFlowOptions& mo,
                 const torch::Device& device) {
  const std::vector<double> x_um = s.slide->x_um(), y_um = s.slide->y_um();
  const int64_t n = static_cast<int64_t>(x_um.size());
  std::mt19937_64 rng(seed);
  const int64_t centre = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const auto d2 = [&](int64_t j) {
    return std::pow(x_um[j] - x_um[centre], 2) + std::pow(y_um[j] - y_um[centre], 2);
  };
  std::nth_element(order.begin(), order.begin() + count - 1, order.end(),
                   [&](int64_t a, int64_t b) { return d2(a) != d2(b) ? d2(a) < d2(b) : a < b; });
  order.resize(static_cast<size_t>(count));
  std::sort(order.begin(), order.end());
  std::vector<double> x, y;
  for (int64_t j : order) {
    x.push_back(x_um[j]);
    y.push_back(y_um[j]);
  }
  const auto rows = torch::tensor(order, torch::kInt64).to(device);
  return {s.features.index_select(0, rows), s.genes.index_select(0, rows),
          s.pathways.index_select(0, rows), s.tokens.defined() ? s.tokens.index_select(0, rows) : torch::Tensor(),
          to_device(build_neighbourhood(x, y, mo.neighbours, mo.radius_pitches), device)};
}

}  // namespace stx
