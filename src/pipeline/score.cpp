#include "stx/pipeline/score.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <iostream>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/pathways/score_output.hpp"
#include "stx/pathways/score_qc.hpp"

namespace stx {

void run_score(ScoreRun run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  run.score.method = parse_score_method(run.method);
  run.score.ssgsea_normalize = !run.no_ssgsea_norm;
  check_score_options(run.score);
  STX_CHECK(!run.output.empty() || !run.tsv.empty(), ConfigError,
            "score: nothing to write; give -o FILE.h5ad and/or --tsv FILE.tsv");
  check_distinct_outputs(
      {{"-o", run.output}, {"--tsv", run.tsv}, {"--coverage", run.coverage}, {"--panel-gmt", run.panel_gmt}});
  check_output_path(run.output, run.force);
  check_output_path(run.tsv, run.force);
  check_output_path(run.coverage, run.force);
  check_output_path(run.panel_gmt, run.force);
  const auto gene_sets = load_gene_sets(run.gene_sets);

  const Slide slide = read_slide(run.slide.read);
  const GeneSetMatch match = match_gene_sets(gene_sets, slide.gene_symbols, run.match);
  for (const auto& warning : match.warnings) log()->warn("{}", warning);
  const auto start = std::chrono::steady_clock::now();
  const PathwayScores scores = score_pathways(slide.counts, match, run.score);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // The outputs appear together or not at all: a failure writing the last leaves none of them.
  StagedFiles outputs;
  if (!run.tsv.empty()) write_scores_tsv(scores, slide.spot_ids, outputs.reserve(run.tsv));
  if (!run.coverage.empty()) {
    std::string text = "gene_set\tgenes_in_set\tgenes_in_data\tcoverage\tkept\n";
    for (const auto& c : match.coverage)
      text += fmt::format("{}\t{}\t{}\t{:.3f}\t{}\n", c.name, c.in_set, c.found,
                          c.in_set > 0 ? static_cast<double>(c.found) / static_cast<double>(c.in_set) : 0.0,
                          c.kept ? "yes" : "no");
    outputs.write(run.coverage, text);
  }
  if (!run.panel_gmt.empty()) {
    // name, description (the coverage), then the genes as the data spells them
    std::string text;
    for (const MatchedGeneSet& set : match.sets) {
      text += fmt::format("{}\t{} of {} genes in {}", set.name, set.gene_indices.size(), set.n_total, slide.name);
      for (int32_t g : set.gene_indices) text += "\t" + slide.gene_symbols[static_cast<size_t>(g)];
      text += "\n";
    }
    outputs.write(run.panel_gmt, text);
  }
  if (!run.output.empty()) {
    Slide scored = slide;
    add_scores_to_slide(scores, run.gene_sets, scored);
    write_h5ad(scored, outputs.reserve(run.output));
  }
  outputs.commit();
  int64_t flagged = 0;
  for (uint8_t f : scores.flagged) flagged += f;
  const ScoreQc qc = score_qc(scores, slide);
  if (run.json) {
    nlohmann::json j;
    j["slide"] = slide.name;
    j["spots"] = slide.n_spots();
    j["method"] = scores.method;
    j["max_rank"] = run.score.max_rank;
    j["thin_to"] = run.score.thin_to;
    j["pathways"] = scores.pathways;
    j["dropped"] = match.dropped;
    j["flagged_spots"] = flagged;
    j["seconds"] = seconds;
    j["mean_abs_depth_r"] = qc.mean_abs_depth_r;
    j["mean_morans_i"] = std::isfinite(qc.mean_morans_i) ? nlohmann::json(qc.mean_morans_i)
                                                          : nlohmann::json();
    j["mean_residual_morans_i"] = std::isfinite(qc.mean_residual_morans_i)
                                      ? nlohmann::json(qc.mean_residual_morans_i)
                                      : nlohmann::json();
    j["undefined_qc_pathways"] = qc.undefined;
    std::cout << j.dump(2) << "\n";
    return;
  }
  fmt::print("  slide      = {} ({} spots x {} genes)\n", slide.name, slide.n_spots(),
             slide.n_genes());
  fmt::print("  method     = {}\n", describe_scoring(run.score));
  fmt::print("  gene sets  = {} scored, {} dropped ({})\n", match.sets.size(),
             match.dropped.size(), run.gene_sets);
  fmt::print("  flagged    = {} spot(s) with no counts (scores NaN)\n", flagged);
  fmt::print("  depth |r|  = {:.3f} (mean over pathways of |Pearson r| with log library size)\n",
             qc.mean_abs_depth_r);
  fmt::print("  Moran's I  = {:.3f} (mean over pathways; adjacent spots)\n", qc.mean_morans_i);
  fmt::print("  Moran's I  = {:.3f} after regressing out log library size\n",
             qc.mean_residual_morans_i);
  if (qc.undefined > 0)
    fmt::print("  undefined  = {} pathway(s) with constant scores, left out of the means\n",
               qc.undefined);
  fmt::print("  time       = {:.3f} s ({:.0f} spots/s)\n", seconds,
             static_cast<double>(slide.n_spots()) / std::max(seconds, 1e-9));
  if (!run.output.empty()) fmt::print("  wrote {}\n", run.output);
  if (!run.tsv.empty()) fmt::print("  wrote {}\n", run.tsv);
}

}  // namespace stx
