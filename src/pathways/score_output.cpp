#include "stx/pathways/score_output.hpp"

#include <cmath>
#include <fstream>

#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/io/atomic_file.hpp"

namespace stx {

void write_scores_tsv(const PathwayScores& scores, const std::vector<std::string>& spot_ids,
                      const std::string& path) {
  STX_CHECK(static_cast<int64_t>(spot_ids.size()) == scores.n_spots, ShapeError,
            "{}: {} spot ids for {} scored spots", path, spot_ids.size(), scores.n_spots);
  AtomicFile out(path);
  {
    std::ofstream tsv(out.temp_path());
    tsv << "spot";
    for (const auto& name : scores.pathways) tsv << '\t' << name;
    tsv << '\n';
    const int64_t n_pathways = static_cast<int64_t>(scores.pathways.size());
    for (int64_t r = 0; r < scores.n_spots; ++r) {
      tsv << spot_ids[r];
      for (int64_t p = 0; p < n_pathways; ++p) {
        tsv << '\t' << tsv_general(scores.at(r, p), 7);
      }
      tsv << '\n';
    }
    tsv.close();
    STX_CHECK(!tsv.fail(), IoError, "{}: write failed (disk full?)", path);
  }
  out.commit();
}

void add_scores_to_h5ad(const PathwayScores& scores, const std::string& gene_sets_source,
                        const std::vector<std::string>& gene_symbols, H5adExtras& extras) {
  extras.obsm.push_back({"pathway_activity", static_cast<int64_t>(scores.pathways.size()),
                         scores.values});
  extras.obs_flags.push_back({"pathway_flagged", scores.flagged});
  extras.uns_lists.push_back({"pathway_names", scores.pathways});
  extras.uns_strings.push_back({"pathway_method", scores.method});
  extras.uns_strings.push_back({"pathway_gene_sets", gene_sets_source});
  for (size_t p = 0; p < scores.control_genes.size(); ++p) {
    std::vector<std::string> symbols;
    for (int32_t g : scores.control_genes[p]) symbols.push_back(gene_symbols.at(g));
    extras.uns_lists.push_back({"pathway_control_genes/" + scores.pathways[p], symbols});
  }
}

}  // namespace stx
