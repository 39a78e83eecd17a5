// Spatial domains of one slide: the chosen method (features x spatial step x clustering)
// beside the methods it is judged against, all clustered the same way in one run. With
// pathologist labels, each is scored by the adjusted Rand index on the labelled spots
// ("undetermined" left out).
//
// Features: expression (log1p CP10k, the 2,000 most variable genes, scaled, 15 principal
// components: scanpy's usual recipe), pathway activity (measured or predicted), or both (the
// components, and the standardised pathways weighted to a set share of their variance).
// Spatial step: none; smoothing the features over the spot graph; or pooling each spot's
// counts with its neighbours' before normalising (neighbour_counts.hpp; pathways, which have
// no counts, get one smoothing round with the same kernel). Clustering: k-means, or k-means
// refined by a Potts model.
#pragma once

#include <string>
#include <vector>

#include "stx/core/name_table.hpp"
#include "stx/domains/domains.hpp"
#include "stx/io/slide/slide.hpp"

namespace stx {

enum class DomainFeatures { kExpression, kPathways, kCombined };
enum class DomainSpatial { kNone, kSmoothing, kNeighbourCounts };
const NameTable<DomainFeatures>& domain_features();  // "expression", "pathways", "combined"
const NameTable<DomainSpatial>& domain_spatial();    // "none", "smoothing", "neighbours"

struct DomainMethod {
  DomainFeatures features = DomainFeatures::kExpression;  // docs/domains.md: the evidence
  DomainSpatial spatial = DomainSpatial::kNeighbourCounts;
  DomainClustering clustering = DomainClustering::kKmeans;
  bool operator==(const DomainMethod& o) const {
    return features == o.features && spatial == o.spatial && clustering == o.clustering;
  }
};

struct DomainRun {
  DomainMethod method;
  std::string features;      // as printed: "expression PCA", "pathways", "predicted pathways", ...
  bool chosen = false;       // the run the options asked for (the others are comparisons)
  DomainResult result;
  double ari = 0;            // NaN without labels
};

// How the chosen domains change with k: the same method at k and k + 1.
struct NeighbouringK {
  int k = 0;             // compared with k + 1
  double ari = 0;        // between the two labellings
  double nested = 0;     // share of spots whose k + 1 domain lies mostly in their k domain
};

struct SlideDomains {
  std::string slide;
  int64_t labelled_spots = 0;   // spots with a usable label
  int label_classes = 0;
  std::vector<DomainRun> runs;  // the chosen run first
  std::vector<NeighbouringK> stability;  // chosen method at k-1 / k / k+1 (where k-1 >= 2)
};

struct SlideDomainOptions {
  DomainOptions clustering;     // k = 0: silhouette, unless k_from_labels applies
  DomainMethod method;          // the chosen one; see docs/domains.md for the evidence
  bool k_from_labels = true;    // with labels, k = the number of label classes
  bool compare = true;          // also run the comparison methods
  bool stability = true;        // also cluster at k - 1 and k + 1
  bool x_is_counts = true;      // off for a prediction, whose X is predicted expression
  int expression_genes = 2000;
  int expression_pcs = 15;
  double neighbour_weight = 1.0;  // kNeighbourCounts: neighbours' share (see neighbour_counts.hpp)
  double pathway_share = 0.25;    // kCombined: pathways' total variance / the components'
};

/// Labels that count for the index: not empty and not "undetermined".
bool usable_label(const std::string& label);

/// `pathway_activity` (N, P) for the slide's spots, named `pathway_source`. On a prediction
/// (`x_is_counts` off) the expression features are the PCs of the predicted expression; on a
/// slide without expression they fall back to the pathways. Without counts, smoothing stands
/// in for neighbour counts.
SlideDomains slide_domains(const Slide& slide, const DenseMatrix& pathway_activity,
                           const std::string& pathway_source, const SlideDomainOptions& options);

/// log1p CP10k of the `genes` most variable genes, scaled, first `pcs` components.
DenseMatrix expression_pcs(const CsrMatrix& counts, int genes, int pcs);

/// A prediction's expression (already log-scaled, few genes): every gene scaled, first `pcs`
/// components.
DenseMatrix predicted_expression_pcs(const CsrMatrix& predicted, int pcs);

/// The share of items whose label in `fine` has most of its items inside their label in
/// `coarse` (1: `fine` refines `coarse` exactly).
double nested_share(const std::vector<int>& coarse, const std::vector<int>& fine);

/// "expression PCA, neighbour counts, kmeans": how a run is named in tables and figures.
std::string describe(const DomainRun& run);

}  // namespace stx
