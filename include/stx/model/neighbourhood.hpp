// The spot neighbourhoods QuadFlow's spatial attention runs over, as tensors: for each spot
// its K nearest spots (itself first) within a radius, padded and masked where fewer exist,
// with the offsets in µm; and the adjacency edges the smoothness penalty compares.
// Built once per slide (and per random crop) from the grid hash in stx/io/spot_graph.hpp, so
// it is O(N) in spots. Legend: N spots, K neighbours, E edges.
#pragma once

#include <vector>

#include "stx/torch/torch_compat.hpp"

namespace stx {

struct Neighbourhood {
  torch::Tensor index;      // (N, K) int64: neighbour rows; padding points at the spot itself
  torch::Tensor valid;      // (N, K) bool
  torch::Tensor offset_um;  // (N, K, 2) float: neighbour minus spot position, µm
  torch::Tensor edges;      // (E, 2) int64: adjacent pairs i < j (smoothness penalty)
};

/// x_um, y_um (N): spot centres in µm. The radius is `radius_pitches` x the median
/// nearest-neighbour distance.
Neighbourhood build_neighbourhood(const std::vector<double>& x_um, const std::vector<double>& y_um,
                                  int64_t neighbours, double radius_pitches);

/// (N, C): for each spot the mean of `values` (N, C) over its valid neighbours, itself left
/// out; a spot with no other neighbour gets its own row. Differentiable in `values`.
torch::Tensor neighbour_mean(const torch::Tensor& values, const Neighbourhood& nb);

}  // namespace stx
