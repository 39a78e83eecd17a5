// How much a set of pathway scores says about biology rather than sequencing depth:
//  - depth r: Pearson r between each pathway's scores and log library size (lower |r| =
//    more depth-robust; the bottleneck should not learn cellularity);
//  - Moran's I: spatial autocorrelation of each pathway's scores over adjacent spots (binary
//    weights; higher = more spatial structure, expected of real tissue programmes);
//  - residual Moran's I: the same after regressing out log library size, since depth itself
//    is spatially structured (cellularity) and lends its structure to confounded scores.
// Flagged (empty) spots are left out; pathways whose r or I is undefined (constant scores)
// are counted, not averaged as zeros.
#pragma once

#include <vector>

#include "stx/io/slide/csr_matrix.hpp"
#include "stx/io/slide/slide.hpp"
#include "stx/io/slide/spot_graph.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx {

struct ScoreQc {
  std::vector<double> depth_r;   // (P) NaN where undefined
  std::vector<double> morans_i;  // (P) NaN where undefined or no graph
  std::vector<double> residual_morans_i;  // (P) of the scores with log depth regressed out
  double mean_abs_depth_r = 0;   // over the defined values
  double mean_morans_i = 0;
  double mean_residual_morans_i = 0;
  int undefined = 0;             // pathways with an undefined r or I
};

/// Moran's I of `values` over `graph` (binary weights), skipping non-finite values.
double morans_i(const std::vector<double>& values, const SpotGraph& graph);

/// `graph` may be empty (no coordinates): Moran's I is then NaN.
ScoreQc score_qc(const PathwayScores& scores, const CsrMatrix& counts, const SpotGraph& graph);

/// The QC of a slide's scores over its adjacent spots (Moran's I NaN without coordinates).
ScoreQc score_qc(const PathwayScores& scores, const Slide& slide);

}  // namespace stx
