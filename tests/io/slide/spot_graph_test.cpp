#include "stx/io/slide/spot_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "stx/pathways/score_qc.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

// A w x h square grid with pitch 10, row-major.
void grid(int w, int h, std::vector<double>& x, std::vector<double>& y) {
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) x.push_back(10.0 * c), y.push_back(10.0 * r);
}

TEST(SpotGraph, SquareGridAdjacency) {
  std::vector<double> x, y;
  grid(3, 3, x, y);
  EXPECT_DOUBLE_EQ(median_nearest_distance(x, y), 10.0);
  const SpotGraph g = adjacency_graph(x, y);
  EXPECT_EQ(g.offsets[1] - g.offsets[0], 2);  // corner
  EXPECT_EQ(g.offsets[2] - g.offsets[1], 3);  // edge
  EXPECT_EQ(g.offsets[5] - g.offsets[4], 4);  // centre
  EXPECT_EQ(std::vector<int64_t>(g.neighbours.begin() + g.offsets[4], g.neighbours.begin() + g.offsets[5]),
            (std::vector<int64_t>{1, 3, 5, 7}));
  EXPECT_EQ(g.n_edges(), 24);  // 12 undirected edges
  EXPECT_EQ(radius_graph(x, y, 15).offsets[5] - radius_graph(x, y, 15).offsets[4], 8);  // + diagonals
}

TEST(SpotGraph, HexagonalGridHasSixNeighbours) {
  std::vector<double> x, y;
  for (int r = 0; r < 7; ++r)
    for (int c = 0; c < 7; ++c) x.push_back(c * 10.0 + (r % 2) * 5.0), y.push_back(r * 10.0 * std::sqrt(3.0) / 2);
  const SpotGraph g = adjacency_graph(x, y);
  const int64_t centre = 3 * 7 + 3;
  EXPECT_EQ(g.offsets[centre + 1] - g.offsets[centre], 6);
}

// The median over points of the nearest other point, by comparing every pair.
double brute_force_median_nearest(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> nearest(x.size(), std::numeric_limits<double>::infinity());
  for (size_t i = 0; i < x.size(); ++i)
    for (size_t j = 0; j < x.size(); ++j)
      if (i != j) nearest[i] = std::min(nearest[i], std::hypot(x[i] - x[j], y[i] - y[j]));
  std::sort(nearest.begin(), nearest.end());
  return nearest[nearest.size() / 2];
}

TEST(SpotGraph, MedianNearestDistanceEqualsAllPairsWithOutliersAndClusters) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> x, y;
    const int n = 50 + trial * 40;
    for (int i = 0; i < n; ++i) {  // a dense cluster, a sparse field and far isolated points
      const double u = unit(rng);
      const double spread = u < 0.4 ? 10.0 : (u < 0.97 ? 1000.0 : 1e6);
      x.push_back(spread * unit(rng));
      y.push_back(spread * unit(rng));
    }
    ASSERT_DOUBLE_EQ(median_nearest_distance(x, y), brute_force_median_nearest(x, y)) << "trial " << trial;
  }
  // Cells on a 10 px grid and two far away from everything: the median is the grid's pitch.
  std::vector<double> x, y;
  grid(300, 300, x, y);
  x.push_back(1e7), y.push_back(0), x.push_back(0), y.push_back(1e7);
  EXPECT_DOUBLE_EQ(median_nearest_distance(x, y), 10.0);
}

TEST(MoransI, CheckerboardIsMinusOneAndGradientPositive) {
  std::vector<double> x, y;
  grid(4, 4, x, y);
  const SpotGraph g = adjacency_graph(x, y);
  std::vector<double> checker, gradient;
  for (int i = 0; i < 16; ++i) {
    checker.push_back(((i / 4 + i % 4) % 2) ? 1.0 : -1.0);
    gradient.push_back(i % 4);
  }
  EXPECT_NEAR(morans_i(checker, g), -1.0, 1e-12);
  // Columns 0..3: z = -1.5, -0.5, 0.5, 1.5; 48 directed edges. Vertical edges pair equal z:
  // 2 directions x 3 edges x sum(z^2 = 5) = 30; horizontal ones: 2 x 4 rows x (0.75 - 0.25 +
  // 0.75) = 10. I = (N / W) * 40 / sum_i z_i^2 = (16 / 48) * 40 / 20 = 2/3.
  EXPECT_NEAR(morans_i(gradient, g), 2.0 / 3.0, 1e-12);
  EXPECT_TRUE(std::isnan(morans_i(std::vector<double>(16, 3.0), g)));
}

}  // namespace
}  // namespace stx
