#include "stx/model/neighbourhood.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "stx/core/error.hpp"
#include "stx/io/slide/spot_graph.hpp"

namespace stx {

Neighbourhood build_neighbourhood(const std::vector<double>& x_um, const std::vector<double>& y_um,
                                  int64_t neighbours, double radius_pitches) {
  const int64_t n = static_cast<int64_t>(x_um.size());
  STX_CHECK(n > 0, ShapeError, "neighbourhood: a slide with no spots");
  STX_CHECK(neighbours >= 1, ConfigError, "neighbourhood: neighbours must be >= 1, found {}",
            neighbours);
  const double pitch = n > 1 ? median_nearest_distance(x_um, y_um) : 1.0;
  const double radius = std::isfinite(pitch) && pitch > 0 ? radius_pitches * pitch : 1.0;
  const SpotGraph graph = radius_graph(x_um, y_um, radius);

  Neighbourhood nb;
  nb.index = torch::empty({n, neighbours}, torch::kInt64);
  nb.valid = torch::zeros({n, neighbours}, torch::kBool);
  nb.offset_um = torch::zeros({n, neighbours, 2}, torch::kFloat32);
  auto index = nb.index.accessor<int64_t, 2>();
  auto valid = nb.valid.accessor<bool, 2>();
  auto offset = nb.offset_um.accessor<float, 3>();
  std::vector<int64_t> order;
  for (int64_t i = 0; i < n; ++i) {
    const auto first = graph.neighbours.begin() + graph.offsets[i];
    const auto last = graph.neighbours.begin() + graph.offsets[i + 1];
    order.assign(first, last);
    const auto distance = [&](int64_t j) { return std::hypot(x_um[j] - x_um[i], y_um[j] - y_um[i]); };
    // Ties (a grid's equidistant neighbours) break on the offset's direction, not on the row
    // index, so the chosen neighbours do not depend on the order spots are listed in.
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      const double da = distance(a), db = distance(b);
      if (da != db) return da < db;
      if (y_um[a] != y_um[b]) return y_um[a] < y_um[b];
      return x_um[a] < x_um[b];
    });
    order.insert(order.begin(), i);  // itself first
    for (int64_t k = 0; k < neighbours; ++k) {
      const bool present = k < static_cast<int64_t>(order.size());
      const int64_t j = present ? order[k] : i;
      index[i][k] = j;
      valid[i][k] = present;
      offset[i][k][0] = static_cast<float>(x_um[j] - x_um[i]);
      offset[i][k][1] = static_cast<float>(y_um[j] - y_um[i]);
    }
  }

  std::vector<int64_t> edges;
  const SpotGraph adjacent = n > 1 ? adjacency_graph(x_um, y_um) : SpotGraph{{0, 0}, {}};
  for (int64_t i = 0; i < n; ++i)
    for (int64_t e = adjacent.offsets[i]; e < adjacent.offsets[i + 1]; ++e)
      if (adjacent.neighbours[e] > i) edges.insert(edges.end(), {i, adjacent.neighbours[e]});
  nb.edges = torch::tensor(edges, torch::kInt64).view({-1, 2});
  return nb;
}

torch::Tensor neighbour_mean(const torch::Tensor& values, const Neighbourhood& nb) {
  namespace F = torch::nn::functional;
  const auto others = nb.index.slice(1, 1).to(values.device());                  // (N, K-1); column 0 is the spot
  const auto weight = nb.valid.slice(1, 1).to(values.device(), values.scalar_type());  // (N, K-1)
  // a weighted bag sum: no (N, K-1, C) intermediate, which matters at 256k spots
  const auto sum = F::embedding_bag(others, values,
                                     F::EmbeddingBagFuncOptions().mode(torch::kSum).per_sample_weights(weight));
  const auto count = weight.sum(1, true);  // (N, 1)
  return torch::where(count > 0, sum / count.clamp_min(1), values);
}

}  // namespace stx
