// QuadFlow's training loss (see LossWeights): MSE + (1 - Pearson r) on genes and on pathway
// activities, plus a smoothness penalty over the adjacency edges. Pearson r is computed per
// target column over the spots of the step and averaged, so it rewards getting the spatial
// pattern right, which MSE alone under-weights for low-variance targets.
// Legend: N spots, G genes, P pathways, E edges.
#pragma once

#include "stx/model/quadflow.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

struct LossTerms {
  torch::Tensor total;  // scalar, differentiable
  double gene_mse = 0, gene_r = 0, pathway_mse = 0, pathway_r = 0, smoothness = 0;
};

/// gene_targets (N, G), pathway_targets (N, P) standardised; edges (E, 2).
LossTerms quadflow_loss(const QuadFlowOutput& out, const torch::Tensor& gene_targets,
                        const torch::Tensor& pathway_targets, const torch::Tensor& edges,
                        const LossWeights& weights);

/// Mean over columns of the Pearson r between prediction and truth columns (N, T); columns
/// with no variance contribute r = 0 rather than NaN.
torch::Tensor mean_column_pearson(const torch::Tensor& prediction, const torch::Tensor& truth);

}  // namespace stx
