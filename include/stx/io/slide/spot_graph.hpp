// The spatial neighbourhood of spots: every pair closer than a radius, found with a uniform
// grid hash in O(N) for roughly even spot densities (whole slides of 10^5-10^6 spots).
// Used for Moran's I, spatial smoothness and neighbourhood attention.
#pragma once

#include <cstdint>
#include <vector>

namespace stx {

struct SpotGraph {
  std::vector<int64_t> offsets;     // (N + 1)
  std::vector<int64_t> neighbours;  // ascending within each spot; a spot is not its own

  int64_t n_spots() const { return static_cast<int64_t>(offsets.size()) - 1; }
  int64_t n_edges() const { return static_cast<int64_t>(neighbours.size()); }
};

/// Spots i != j with Euclidean distance <= radius.
SpotGraph radius_graph(const std::vector<double>& x, const std::vector<double>& y, double radius);

/// Median over spots of the distance to the nearest other spot (the grid pitch on regular
/// arrays); NaN with fewer than two spots.
double median_nearest_distance(const std::vector<double>& x, const std::vector<double>& y);

/// The usual "adjacent spots" graph: radius = 1.2 x the median nearest distance. That is the
/// 4 direct neighbours on a square ST grid (diagonals, at 1.41 x, are left out) and the 6
/// neighbours on Visium's hexagonal grid.
SpotGraph adjacency_graph(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace stx
