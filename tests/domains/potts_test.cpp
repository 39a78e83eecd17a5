// The Potts refinement on synthetic layouts with known domains (two halves, a ring, stripes),
// features noisy enough that k-means alone misassigns many spots; and the neighbourhood
// pooling of counts against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "stx/domains/domains.hpp"
#include "stx/domains/neighbour_counts.hpp"
#include "stx/domains/potts.hpp"

namespace stx {
namespace {

struct Layout {
  std::vector<double> x, y;
  std::vector<int> truth;
  DenseMatrix features{0, 4, {}};
};

// A 24 x 24 square grid; each spot's domain from `domain_of(row, col)`; 4 features whose
// means differ by domain (domain d: +1 on feature d mod 4, as a one-hot code), noise sd 0.9.
Layout layout(int (*domain_of)(int, int), uint32_t seed) {
  Layout g;
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 0.9);
  for (int row = 0; row < 24; ++row)
    for (int col = 0; col < 24; ++col) {
      g.x.push_back(col * 100.0);
      g.y.push_back(row * 100.0);
      const int d = domain_of(row, col);
      g.truth.push_back(d);
      for (int f = 0; f < 4; ++f) g.features.values.push_back((f == d % 4 ? 1.0 : 0.0) + noise(rng));
      ++g.features.rows;
    }
  return g;
}

int halves(int, int col) { return col < 12 ? 0 : 1; }
int ring(int row, int col) {
  const double r = std::hypot(row - 11.5, col - 11.5);
  return r > 4 && r < 8.5 ? 1 : 0;
}
int stripes(int, int col) { return (col / 6) % 3; }  // three kinds of stripe, four stripes

// Over four noise draws, at the default beta: k-means alone recovers little (mean ARI 0.35
// halves, 0.24 ring, 0.21 stripes when written), the Potts refinement most of the layout
// (0.96, 0.76, 0.82; beta 1.5 reaches 0.98, 0.83, 0.91).
void expect_potts_recovers(int (*domain_of)(int, int), int k) {
  double before = 0, after = 0;
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    const Layout g = layout(domain_of, seed);
    const SpotGraph graph = adjacency_graph(g.x, g.y);
    DomainOptions kmeans;
    kmeans.k = k;
    kmeans.smoothing_rounds = 0;
    DomainOptions potts = kmeans;
    potts.clustering = DomainClustering::kPotts;
    before += adjusted_rand_index(g.truth, spatial_domains(g.features, graph, kmeans).labels) / 4;
    const DomainResult refined = spatial_domains(g.features, graph, potts);
    after += adjusted_rand_index(g.truth, refined.labels) / 4;
    EXPECT_EQ(refined.k, k);
    // Same data, same seed: the same labels, numbered by decreasing domain size.
    EXPECT_EQ(spatial_domains(g.features, graph, potts).labels, refined.labels);
    std::vector<int> size(static_cast<size_t>(k), 0);
    for (int l : refined.labels) ++size[static_cast<size_t>(l)];
    for (int l = 1; l < k; ++l) EXPECT_GE(size[static_cast<size_t>(l) - 1], size[static_cast<size_t>(l)]);
  }
  EXPECT_GT(after, 0.7) << "k-means alone: " << before;
  EXPECT_GT(after, before + 0.3);
}

TEST(Potts, RecoversTwoHalves) { expect_potts_recovers(halves, 2); }
TEST(Potts, RecoversARing) { expect_potts_recovers(ring, 2); }
TEST(Potts, RecoversStripes) { expect_potts_recovers(stripes, 3); }

TEST(Potts, BetaZeroIsTheNearestMeanUnderTheSharedVariance) {
  // Without neighbours' votes, a spot that sits on a domain's mean keeps that domain, and a
  // labelling already at a fixed point does not move.
  const DenseMatrix x{4, 1, {0, 0.1, 5, 5.1}};
  SpotGraph line{{0, 1, 3, 5, 6}, {1, 0, 2, 1, 3, 2}};
  PottsOptions o;
  o.beta = 0;
  EXPECT_EQ(potts_refine(x, line, {1, 1, 0, 0}, 2, o), (std::vector<int>{1, 1, 0, 0}));
  EXPECT_EQ(potts_refine(x, line, {0, 1, 1, 1}, 2, o), (std::vector<int>{0, 0, 1, 1}));
  // A beta far above the likelihood gap (-0.5 * 4.9^2 / 0.005 = -2401): the outlier at the end
  // joins its neighbour's domain, and the emptied domain does not come back.
  o.beta = 1e4;
  EXPECT_EQ(potts_refine(DenseMatrix{4, 1, {0, 0.1, 0.2, 5}}, line, {0, 0, 0, 1}, 2, o),
            (std::vector<int>{0, 0, 0, 0}));
}

TEST(Potts, BadInput) {
  const DenseMatrix x{2, 1, {0, 1}};
  const SpotGraph pair{{0, 1, 2}, {1, 0}};
  EXPECT_THROW(potts_refine(x, pair, {0, 2}, 2, {}), ShapeError);   // label outside [0, k)
  EXPECT_THROW(potts_refine(x, pair, {0}, 2, {}), ShapeError);      // one label for two spots
  PottsOptions nan;
  nan.beta = std::nan("");
  EXPECT_THROW(potts_refine(x, pair, {0, 1}, 2, nan), ConfigError);
}

TEST(NeighbourCounts, PoolsAdjacentSpotsOverTheFullDegree) {
  // A line of three spots: the middle one has 2 neighbours, the grid's full degree; the ends
  // have 1. With weight 1, spot i gets x_i + (sum of its neighbours) / 2.
  CsrMatrix counts;
  counts.n_cols = 3;
  counts.append_row({0}, {4});
  counts.append_row({1, 2}, {2, 6});
  counts.append_row({0, 2}, {8, 2});
  const SpotGraph line{{0, 1, 3, 4}, {1, 0, 2, 1}};
  const CsrMatrix pooled = add_neighbour_counts(counts, line, 1.0);
  auto dense = [&](int64_t i) {
    std::vector<float> row(3, 0);
    for (int64_t e = pooled.indptr[static_cast<size_t>(i)]; e < pooled.indptr[static_cast<size_t>(i) + 1]; ++e)
      row[static_cast<size_t>(pooled.indices[static_cast<size_t>(e)])] = pooled.data[static_cast<size_t>(e)];
    return row;
  };
  EXPECT_EQ(dense(0), (std::vector<float>{4, 1, 3}));   // 4 0 0 + (0 2 6) / 2
  EXPECT_EQ(dense(1), (std::vector<float>{6, 2, 7}));   // 0 2 6 + (4 0 0 + 8 0 2) / 2
  EXPECT_EQ(dense(2), (std::vector<float>{8, 1, 5}));   // 8 0 2 + (0 2 6) / 2
  pooled.validate("pooled counts");
  EXPECT_EQ(add_neighbour_counts(counts, line, 0.0).data, counts.data);
  EXPECT_THROW(add_neighbour_counts(counts, line, -1.0), ConfigError);
  EXPECT_THROW(add_neighbour_counts(counts, SpotGraph{{0, 0}, {}}, 1.0), ShapeError);
}

}  // namespace
}  // namespace stx
