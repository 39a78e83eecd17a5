// Writing pathway scores: a TSV (spots x pathways, "NaN" for flagged spots) and the slide's
// aligned slots, as AnnData stores them: obsm['pathway_activity'] (N, P), uns['pathway_names'], uns['pathway_method'],
// uns['pathway_gene_sets'], obs['pathway_flagged'], and for `control` the genes drawn,
// uns['pathway_control_genes'][set] (symbols).
#pragma once

#include <string>
#include <vector>

#include "stx/io/slide/slide.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx {

/// Atomic write; the header is "spot" then the pathway names.
void write_scores_tsv(const PathwayScores& scores, const std::vector<std::string>& spot_ids,
                      const std::string& path);

/// Puts the scores in the slide's aligned slots (obsm, obs, uns), as write_h5ad stores them.
/// ShapeError when they were not scored on this slide's spots.
void add_scores_to_slide(const PathwayScores& scores, const std::string& gene_sets_source, Slide& slide);

}  // namespace stx
