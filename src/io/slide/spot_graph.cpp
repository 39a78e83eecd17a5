// Radius neighbours via a grid of cells of side `radius`: each spot checks 3 x 3 cells.
#include "stx/io/slide/spot_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "stx/core/error.hpp"

namespace stx {
namespace {

struct CellGrid {
  double side, x0, y0;
  std::unordered_map<int64_t, std::vector<int64_t>> cells;

  int64_t key(int64_t cx, int64_t cy) const { return cx * 1000003LL + cy; }
  int64_t cell_x(double x) const { return static_cast<int64_t>(std::floor((x - x0) / side)); }
  int64_t cell_y(double y) const { return static_cast<int64_t>(std::floor((y - y0) / side)); }

  CellGrid(const std::vector<double>& x, const std::vector<double>& y, double cell_side)
      : side(cell_side),
        x0(*std::min_element(x.begin(), x.end())),
        y0(*std::min_element(y.begin(), y.end())) {
    for (size_t i = 0; i < x.size(); ++i)
      cells[key(cell_x(x[i]), cell_y(y[i]))].push_back(static_cast<int64_t>(i));
  }

  template <typename F>
  void around(double x, double y, F&& f) const {
    const int64_t cx = cell_x(x), cy = cell_y(y);
    for (int64_t dx = -1; dx <= 1; ++dx)
      for (int64_t dy = -1; dy <= 1; ++dy)
        if (const auto it = cells.find(key(cx + dx, cy + dy)); it != cells.end())
          for (int64_t j : it->second) f(j);
  }
};

}  // namespace

SpotGraph radius_graph(const std::vector<double>& x, const std::vector<double>& y,
                       double radius) {
  STX_CHECK(x.size() == y.size(), ShapeError, "radius_graph: {} x but {} y", x.size(), y.size());
  STX_CHECK(radius > 0 && std::isfinite(radius), ConfigError,
            "radius_graph: radius must be positive, found {}", radius);
  SpotGraph graph;
  graph.offsets.push_back(0);
  if (x.empty()) return graph;
  const CellGrid grid(x, y, radius);
  std::vector<int64_t> found;
  for (size_t i = 0; i < x.size(); ++i) {
    found.clear();
    grid.around(x[i], y[i], [&](int64_t j) {
      if (j != static_cast<int64_t>(i) && std::hypot(x[j] - x[i], y[j] - y[i]) <= radius)
        found.push_back(j);
    });
    std::sort(found.begin(), found.end());
    graph.neighbours.insert(graph.neighbours.end(), found.begin(), found.end());
    graph.offsets.push_back(static_cast<int64_t>(graph.neighbours.size()));
  }
  return graph;
}

double median_nearest_distance(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  // A nearest distance found within one cell side is exact: nothing closer lies beyond the
  // 3 x 3 cells. The spots without one are further from any other than every spot with one,
  // so once these are more than half, the median is exact. The cell grows only until then:
  // growing it until the last isolated cell of a whole slide found a neighbour made the search
  // quadratic (10^6 cells never finished).
  const double span = std::max(*std::max_element(x.begin(), x.end()) - *std::min_element(x.begin(), x.end()),
                               *std::max_element(y.begin(), y.end()) - *std::min_element(y.begin(), y.end()));
  // The first cell: one spot per cell over the bulk of the spots (their 1st to 99th
  // percentiles), so that far outliers do not make one cell hold everything.
  const auto bulk = [](std::vector<double> v) {
    const auto at = [&](double q) {
      const auto k = static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
      std::nth_element(v.begin(), v.begin() + k, v.end());
      return v[static_cast<size_t>(k)];
    };
    return at(0.99) - at(0.01);
  };
  const double n = static_cast<double>(x.size()), w = bulk(x), h = bulk(y);
  double side = std::max(w * h > 0 ? std::sqrt(w * h / n) : std::max(w, h) / n, 1e-9);
  const size_t half = x.size() / 2;
  for (;;) {
    const CellGrid grid(x, y, side);
    std::vector<double> nearest(x.size(), std::numeric_limits<double>::infinity());
    size_t exact = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      grid.around(x[i], y[i], [&](int64_t j) {
        if (j != static_cast<int64_t>(i))
          nearest[i] = std::min(nearest[i], std::hypot(x[j] - x[i], y[j] - y[i]));
      });
      if (nearest[i] <= side) ++exact;
      else nearest[i] = std::numeric_limits<double>::infinity();  // beyond the exact ones
    }
    if (exact > half || side > 2 * span) {
      std::nth_element(nearest.begin(), nearest.begin() + static_cast<std::ptrdiff_t>(half), nearest.end());
      return nearest[half];
    }
    side *= 2;
  }
}

SpotGraph adjacency_graph(const std::vector<double>& x, const std::vector<double>& y) {
  const double pitch = median_nearest_distance(x, y);
  STX_CHECK(std::isfinite(pitch) && pitch > 0, ShapeError,
            "cannot build a spot neighbourhood: fewer than two distinct spot positions");
  return radius_graph(x, y, 1.2 * pitch);
}

}  // namespace stx
