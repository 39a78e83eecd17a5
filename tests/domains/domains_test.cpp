// Spatial domains: the adjusted Rand index and silhouette against scikit-learn's values
// (computed with python3-sklearn, quoted below), PCA on data of known structure, and the
// clustering recovering two halves of a noisy grid, deterministically.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "stx/domains/domains.hpp"

namespace stx {
namespace {

TEST(AdjustedRandIndex, MatchesScikitLearn) {
  // sklearn.metrics.adjusted_rand_score on the same labellings.
  EXPECT_NEAR(adjusted_rand_index({0, 0, 1, 1}, {0, 0, 1, 2}), 0.5714285714285714, 1e-12);
  EXPECT_NEAR(adjusted_rand_index({0, 0, 0, 1, 1, 1, 2, 2}, {1, 1, 0, 0, 2, 2, 2, 2}),
              0.18181818181818182, 1e-12);
  EXPECT_NEAR(adjusted_rand_index({0, 1, 2, 3}, {0, 0, 0, 0}), 0.0, 1e-12);
  EXPECT_NEAR(adjusted_rand_index({3, 3, 7, 7}, {1, 1, 0, 0}), 1.0, 1e-12);  // names don't matter
  EXPECT_THROW(adjusted_rand_index({0, 1}, {0}), std::exception);
}

TEST(Silhouette, MatchesScikitLearn) {
  const DenseMatrix x{5, 2, {0, 0, 0, 1, 4, 0, 4, 1, 9, 9}};
  // sklearn.metrics.silhouette_score(X, [0, 0, 1, 1, 1])
  EXPECT_NEAR(silhouette_score(x, {0, 0, 1, 1, 1}), 0.28169610893129077, 1e-12);
}

TEST(Pca, RecoversTheDirectionOfALine) {
  // Points on y = 2x plus a small wobble along (-2, 1) that is uncorrelated with the position
  // on the line: PC1 is the projection on (1, 2)/sqrt 5, PC2 the wobble times sqrt 5.
  const double pattern[6] = {1, -1, 0, 0, -1, 1};
  DenseMatrix m{6, 2, {}};
  for (int i = 0; i < 6; ++i) {
    const double t = i - 2.5, wobble = pattern[i] * 1e-3;
    m.values.push_back(t - 2 * wobble);
    m.values.push_back(2 * t + wobble);
  }
  const DenseMatrix pc = principal_components(m, 2);
  for (int i = 0; i < 6; ++i) {
    const double t = i - 2.5;
    EXPECT_NEAR(std::abs(pc.at(i, 0)), std::abs(t * std::sqrt(5.0)), 1e-9);
    EXPECT_NEAR(std::abs(pc.at(i, 1)), std::sqrt(5.0) * 1e-3 * std::abs(pattern[i]), 1e-9);
  }
  // The wide case (more columns than rows) takes the other Gram matrix: the scores are
  // centred and PC1 carries at least PC2's variance.
  const DenseMatrix a = principal_components(DenseMatrix{3, 4, {1, 2, 0, 1, 3, 1, 1, 0, 0, 0, 2, 5}}, 2);
  double s0 = 0, s1 = 0, v0 = 0, v1 = 0;
  for (int i = 0; i < 3; ++i) {
    s0 += a.at(i, 0);
    s1 += a.at(i, 1);
    v0 += a.at(i, 0) * a.at(i, 0);
    v1 += a.at(i, 1) * a.at(i, 1);
  }
  EXPECT_NEAR(s0, 0, 1e-9);
  EXPECT_NEAR(s1, 0, 1e-9);
  EXPECT_GE(v0, v1);
}

// A 20 x 20 grid, left half one domain and right half another, features noisy enough that
// single spots are often misassigned; smoothing over the grid makes the halves clean.
struct Grid {
  std::vector<double> x, y;
  std::vector<int> truth;
  DenseMatrix features{0, 3, {}};
};

Grid noisy_halves() {
  Grid g;
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 1.0);
  for (int row = 0; row < 20; ++row)
    for (int col = 0; col < 20; ++col) {
      g.x.push_back(col * 100.0);
      g.y.push_back(row * 100.0);
      const int half = col < 10 ? 0 : 1;
      g.truth.push_back(half);
      for (int f = 0; f < 3; ++f) g.features.values.push_back((half ? 0.8 : -0.8) + noise(rng));
      ++g.features.rows;
    }
  return g;
}

TEST(SpatialDomains, SmoothingRecoversTwoHalvesAndKIsChosen) {
  const Grid g = noisy_halves();
  const SpotGraph graph = adjacency_graph(g.x, g.y);
  DomainOptions raw;
  raw.k = 2;
  raw.smoothing_rounds = 0;
  const double raw_ari = adjusted_rand_index(g.truth, spatial_domains(g.features, graph, raw).labels);
  DomainOptions smooth;  // k chosen by silhouette
  const DomainResult result = spatial_domains(g.features, graph, smooth);
  const double smooth_ari = adjusted_rand_index(g.truth, result.labels);
  EXPECT_EQ(result.k, 2);
  EXPECT_EQ(result.silhouette_by_k.size(), 9u);  // k = 2..10
  EXPECT_GT(smooth_ari, 0.9);
  EXPECT_LT(raw_ari, smooth_ari - 0.1);
  // Same input, same seed: same domains.
  EXPECT_EQ(spatial_domains(g.features, graph, smooth).labels, result.labels);
}

TEST(SpatialDomains, BadInput) {
  const Grid g = noisy_halves();
  const SpotGraph graph = adjacency_graph(g.x, g.y);
  DomainOptions options;
  options.k = 1000;
  EXPECT_THROW(spatial_domains(g.features, graph, options), std::exception);
  options.k = 0;
  options.k_min = 1;
  EXPECT_THROW(spatial_domains(g.features, graph, options), std::exception);
}

}  // namespace
}  // namespace stx
