// Writing pathway scores: a TSV (spots x pathways, "NaN" for flagged spots) and the AnnData
// pieces: obsm['pathway_activity'] (N, P), uns['pathway_names'], uns['pathway_method'],
// uns['pathway_gene_sets'], obs['pathway_flagged'], and for `control` the genes drawn,
// uns['pathway_control_genes'][set] (symbols).
#pragma once

#include <string>
#include <vector>

#include "stx/io/h5ad.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx {

/// Atomic write; the header is "spot" then the pathway names.
void write_scores_tsv(const PathwayScores& scores, const std::vector<std::string>& spot_ids,
                      const std::string& path);

/// Adds the scores to what write_h5ad stores beside the slide.
void add_scores_to_h5ad(const PathwayScores& scores, const std::string& gene_sets_source,
                        const std::vector<std::string>& gene_symbols, H5adExtras& extras);

}  // namespace stx
