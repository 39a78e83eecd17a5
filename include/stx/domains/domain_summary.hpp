// What sets each spatial domain apart: its spot count, its mean pathway activity (each
// pathway standardised over the slide, so a domain's means read in slide-sd units and draw
// as one heatmap), and per pathway a Mann-Whitney U test of the domain against the rest of
// the slide, with the effect as a difference of means and as the AUC, and Benjamini-Hochberg
// q-values over all domain x pathway tests of the slide.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/stats/dense_matrix.hpp"

namespace stx {

struct DomainPathwayTest {
  int domain = 0;
  int64_t pathway = 0;     // column of the activity matrix
  double difference = 0;   // mean z in the domain minus mean z in the rest of the slide
  double auc = 0;          // P(activity of a domain spot > that of a spot outside)
  double p = 1, q = 1;     // two-sided; q over all tests of the slide
};

struct DomainSummary {
  int k = 0;
  std::vector<int64_t> spots;             // (k)
  DenseMatrix mean_z;                     // (k, P)
  std::vector<DomainPathwayTest> tests;   // (k * P), domain-major

  /// The `n` pathways with the largest positive difference among q < `alpha`, for `domain`.
  std::vector<DomainPathwayTest> top(int domain, int n, double alpha = 0.05) const;
};

/// `activity` (N, P) finite; `labels` (N) in [0, k). A domain with no spots gets NaN means.
DomainSummary summarise_domains(const DenseMatrix& activity, const std::vector<int>& labels, int k);

}  // namespace stx
