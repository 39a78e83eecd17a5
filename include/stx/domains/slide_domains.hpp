// Spatial domains of one slide, side by side in one run: from pathway activity (measured or
// predicted) and, as the baseline, from expression (log1p CP10k, 2,000 most variable genes,
// scaled, 15 principal components — scanpy's usual recipe), each with and without the
// spatial smoothing, all clustered the same way. With pathologist labels, each is scored by
// the adjusted Rand index on the labelled spots ("undetermined" left out).
#pragma once

#include <string>
#include <vector>

#include "stx/domains/domains.hpp"
#include "stx/io/slide.hpp"

namespace stx {

struct DomainRun {
  std::string features;      // "pathways", "expression PCA"
  bool smoothed = true;
  DomainResult result;
  double ari = 0;            // NaN without labels
};

struct SlideDomains {
  std::string slide;
  int64_t labelled_spots = 0;   // spots with a usable label
  int label_classes = 0;
  std::vector<DomainRun> runs;  // pathways (smoothed, raw), expression (smoothed, raw)
};

struct SlideDomainOptions {
  DomainOptions clustering;     // k = 0: silhouette, unless k_from_labels applies
  bool k_from_labels = true;    // with labels, k = the number of label classes
  int expression_genes = 2000;
  int expression_pcs = 15;
  bool expression_baseline = true;  // off when X is not counts (e.g. predicted expression)
};

/// Labels that count for the index: not empty and not "undetermined".
bool usable_label(const std::string& label);

/// `pathway_activity` (N, P) for the slide's spots; `slide.counts` gives the baseline (skipped
/// when the slide has no counts).
SlideDomains slide_domains(const Slide& slide, const DenseMatrix& pathway_activity,
                           const std::string& pathway_source, const SlideDomainOptions& options);

/// log1p CP10k of the `genes` most variable genes, scaled, first `pcs` components.
DenseMatrix expression_pcs(const CsrMatrix& counts, int genes, int pcs);

}  // namespace stx
