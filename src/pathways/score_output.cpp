#include "stx/pathways/score_output.hpp"

#include <cmath>

#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/io/files/tsv_writer.hpp"

namespace stx {

void write_scores_tsv(const PathwayScores& scores, const std::vector<std::string>& spot_ids,
                      const std::string& path) {
  STX_CHECK(static_cast<int64_t>(spot_ids.size()) == scores.n_spots, ShapeError,
            "{}: {} spot ids for {} scored spots", path, spot_ids.size(), scores.n_spots);
  std::vector<std::string> columns = {"spot"};
  columns.insert(columns.end(), scores.pathways.begin(), scores.pathways.end());
  TsvWriter tsv(path, columns);
  const int64_t n_pathways = static_cast<int64_t>(scores.pathways.size());
  for (int64_t r = 0; r < scores.n_spots; ++r) {
    tsv.text(spot_ids[r]);
    for (int64_t p = 0; p < n_pathways; ++p) tsv.number(scores.at(r, p), 7);
    tsv.end_row();
  }
  tsv.commit();
}

void add_scores_to_slide(const PathwayScores& scores, const std::string& gene_sets_source, Slide& slide) {
  slide.set_obsm("pathway_activity", static_cast<int64_t>(scores.pathways.size()), scores.values);
  slide.set_obs_flag("pathway_flagged", scores.flagged);
  slide.uns_lists["pathway_names"] = scores.pathways;
  slide.uns_strings["pathway_method"] = scores.method;
  slide.uns_strings["pathway_gene_sets"] = gene_sets_source;
  for (size_t p = 0; p < scores.control_genes.size(); ++p) {
    std::vector<std::string> symbols;
    for (int32_t g : scores.control_genes[p]) symbols.push_back(slide.gene_symbols.at(g));
    slide.uns_lists["pathway_control_genes/" + scores.pathways[p]] = symbols;
  }
}

}  // namespace stx
