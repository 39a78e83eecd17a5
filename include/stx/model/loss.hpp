// QuadFlow's training loss (see LossWeights): MSE + (1 - Pearson r) on genes and on pathway
// activities, plus a smoothness penalty over the adjacency edges and, when weighted, two map
// specificity terms on the pathways (their correlation structure and their contrast). Pearson r is computed per
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
  double map_structure = 0, map_contrast = 0;
};

/// gene_targets (N, G), pathway_targets (N, P) standardised; edges (E, 2).
LossTerms quadflow_loss(const QuadFlowOutput& out, const torch::Tensor& gene_targets,
                        const torch::Tensor& pathway_targets, const torch::Tensor& edges,
                        const LossWeights& weights);

/// (T, T) Pearson r between the columns of a (N, T) and those of b (N, T): r[i, j] =
/// corr(a_i, b_j). A constant column gives 0, not NaN.
torch::Tensor cross_column_pearson(const torch::Tensor& a, const torch::Tensor& b);

/// Mean squared difference between the predicted and the measured column-column correlation
/// matrices (off the diagonal): 0 when the predicted maps are as alike as the measured ones.
torch::Tensor map_structure_loss(const torch::Tensor& prediction, const torch::Tensor& truth);

/// Cross-entropy of each predicted column against its own measured column among all measured
/// columns, on r / temperature: low when every prediction correlates more with its own map
/// than with any other target's.
torch::Tensor map_contrast_loss(const torch::Tensor& prediction, const torch::Tensor& truth,
                                double temperature = 0.1);

/// Mean over columns of the Pearson r between prediction and truth columns (N, T); columns
/// with no variance contribute r = 0 rather than NaN.
torch::Tensor mean_column_pearson(const torch::Tensor& prediction, const torch::Tensor& truth);

}  // namespace stx
