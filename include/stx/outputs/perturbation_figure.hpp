// The figure of `stx perturb`: the genes a pathway's rise moves most, up and down, each bar
// split into the decoder's set-tied path and its residual, the set's own genes in bold.
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

}  // namespace stx
