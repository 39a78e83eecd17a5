// The figures of `stx perturb`: the genes a pathway's rise moves most, up and down, each bar
// split into the decoder's set-tied path and its residual, the set's own genes in bold; and
// how the model's pathways attend to one another beside how their gene sets overlap.
#pragma once

#include <opencv2/core.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "stx/explain/perturbation.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {

/// `changes` as gene_changes() returns them (largest rise first); `check` is the pathway's row
/// of the checks (its AUROC goes into the subtitle).
cv::Mat perturbation_figure(const std::vector<GeneChange>& changes, const ModelMetadata& m, int64_t pathway,
                            double shift_sd, const PathwaySetCheck& check, size_t genes_each_way = 12);

/// The learned P<->P coupling beside the gene-set overlap, both (P, P) in the model's pathway
/// order: log2 of each attention weight times P (0 = as uniform attention), and the Jaccard
/// index of the gene sets (the diagonal left grey).
cv::Mat pathway_coupling_figure(const PathwayCoupling& coupling, const ModelMetadata& m);

}  // namespace stx
