#include "stx/pipeline/score.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/io/hdf5/h5ad.hpp"
#include "stx/pathways/score_output.hpp"
#include "stx/pathways/score_qc.hpp"

namespace stx {

namespace {

// The options, resolved and checked before the slide is read.
void prepare_run(ScoreRun& run) {
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
}

// --coverage: per gene set, its genes, those the data has, and whether it was kept.
std::string coverage_tsv(const GeneSetMatch& match) {
  std::string text = "gene_set\tgenes_in_set\tgenes_in_data\tcoverage\tkept\n";
  for (const auto& c : match.coverage)
    text += fmt::format("{}\t{}\t{}\t{:.3f}\t{}\n", c.name, c.in_set, c.found,
                        c.in_set > 0 ? static_cast<double>(c.found) / static_cast<double>(c.in_set) : 0.0,
                        c.kept ? "yes" : "no");
  return text;
}

// --panel-gmt: each kept set's name, its coverage as the description, then the genes as the
// data spells them.
std::string panel_gmt(const GeneSetMatch& match, const Slide& slide) {
  std::string text;
  for (const MatchedGeneSet& set : match.sets) {
    text += fmt::format("{}\t{} of {} genes in {}", set.name, set.gene_indices.size(), set.n_total, slide.name);
    for (int32_t g : set.gene_indices) text += "\t" + slide.gene_symbols[static_cast<size_t>(g)];
    text += "\n";
  }
  return text;
}

}  // namespace

ScoreResult run_score(ScoreRun run) {
  prepare_run(run);
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
  if (!run.coverage.empty()) outputs.write(run.coverage, coverage_tsv(match));
  if (!run.panel_gmt.empty()) outputs.write(run.panel_gmt, panel_gmt(match, slide));
  if (!run.output.empty()) {
    Slide scored = slide;
    add_scores_to_slide(scores, run.gene_sets, scored);
    write_h5ad(scored, outputs.reserve(run.output));
  }
  outputs.commit();
  ScoreResult result;
  result.slide = slide.name;
  result.spots = slide.n_spots();
  result.genes = slide.n_genes();
  result.scoring = describe_scoring(run.score);
  result.method = scores.method;
  result.pathways = scores.pathways;
  result.dropped = match.dropped;
  for (uint8_t f : scores.flagged) result.flagged += f;
  result.qc = score_qc(scores, slide);
  result.seconds = seconds;
  return result;
}

}  // namespace stx
