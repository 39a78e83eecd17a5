// Spatial domains: spots grouped into regions of similar activity that are also coherent in
// space. Features (pathway activities, principal components of expression, or both) are
// optionally standardised and smoothed over the spot adjacency graph, then clustered by
// k-means (OpenCV, k-means++ seeding, several restarts), optionally refined by a Potts model
// on the graph (potts.hpp); k is given or chosen by the best silhouette. Judged against
// pathologist labels with the adjusted Rand index.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "stx/core/name_table.hpp"
#include "stx/domains/potts.hpp"
#include "stx/stats/column_scale.hpp"
#include "stx/stats/dense_matrix.hpp"
#include "stx/io/slide/spot_graph.hpp"

namespace stx {

enum class DomainClustering { kKmeans, kPotts };
const NameTable<DomainClustering>& domain_clusterings();  // "kmeans", "potts"

struct DomainOptions {
  int k = 0;                   // 0: chosen in [k_min, k_max] by the best silhouette
  int k_min = 2, k_max = 10;
  bool standardise = true;     // each feature to sd 1 first (off for principal components)
  double smoothing = 0.5;      // weight of the neighbours' mean in each smoothing round
  int smoothing_rounds = 2;
  DomainClustering clustering = DomainClustering::kKmeans;
  PottsOptions potts;          // kPotts: k-means, then refined on the spot graph
  int restarts = 100;          // 10 left the chosen domains seed-dependent (docs/domains.md)
  uint64_t seed = 0;
};

struct DomainResult {
  std::vector<int> labels;  // (N) in [0, k), numbered by decreasing size
  int k = 0;
  std::vector<std::pair<int, double>> silhouette_by_k;  // what chose k (when chosen)
  double silhouette = 0;    // of the result, on the smoothed features
};

DomainResult spatial_domains(const DenseMatrix& features, const SpotGraph& graph,
                             const DomainOptions& options);

/// The first `n` principal component scores of the column-centred matrix.
DenseMatrix principal_components(const DenseMatrix& m, int n);

/// Each round: x_i <- (1 - weight) x_i + weight * mean of x over i's neighbours.
DenseMatrix smooth_over_graph(const DenseMatrix& m, const SpotGraph& graph, double weight,
                              int rounds);

/// Mean silhouette width (Euclidean); deterministic subsample of at most `max_spots` spots.
double silhouette_score(const DenseMatrix& m, const std::vector<int>& labels,
                        int64_t max_spots = 4000);

/// Adjusted Rand index of two labellings of the same items (Hubert & Arabie 1985).
double adjusted_rand_index(const std::vector<int>& a, const std::vector<int>& b);

/// Integer codes of string labels (sorted order), for the index above.
std::vector<int> label_codes(const std::vector<std::string>& labels);

}  // namespace stx
