// Counts pooled over each spot's neighbourhood before normalisation: a fixed kernel, the spot
// itself plus `weight` times its adjacent spots' counts divided by the grid's full degree (4
// on a square ST grid, 6 on Visium), so that a spot at the tissue edge, with fewer
// neighbours, gets less of them, as in a convolution with zero padding. Low-depth spots (the
// 10^3 UMIs of a legacy ST spot) gain the depth of their neighbours, which steadies the
// principal components far more than smoothing the components afterwards.
#pragma once

#include "stx/io/slide/csr_matrix.hpp"
#include "stx/io/slide/spot_graph.hpp"

namespace stx {

/// (N, G) counts of the same shape as `counts`; `weight` >= 0 (0 returns a copy).
CsrMatrix add_neighbour_counts(const CsrMatrix& counts, const SpotGraph& graph, double weight);

}  // namespace stx
