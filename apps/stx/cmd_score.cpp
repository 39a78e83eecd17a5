// `stx score <slide>`: per-spot pathway activities from measured expression.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/pathways/gene_sets.hpp"
#include "stx/pathways/score_output.hpp"
#include "stx/pathways/score_qc.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx::cli {

namespace {
struct ScoreArgs {
  SlideArgs slide;
  std::string gene_sets = "hallmarks";
  std::string method = "rank";
  GeneSetMatchOptions match;
  ScoreOptions score;
  bool no_ssgsea_norm = false;
  std::string output, tsv;
  bool force = false;
  bool json = false;
};
}  // namespace

Action add_score(CLI::App& app) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand("score", "Score pathway activity per spot from expression");
  add_slide_options(cmd, args->slide);
  cmd->add_option("--genesets", args->gene_sets, "'hallmarks' (built in) or a GMT file")
      ->capture_default_str();
  cmd->add_option("--method", args->method, "zmean, control, rank (AUCell), ssgsea, ulm")
      ->check(CLI::IsMember({"zmean", "control", "rank", "ssgsea", "ulm"}))
      ->capture_default_str();
  cmd->add_option("--min-genes", args->match.min_genes, "Drop sets with fewer genes found")
      ->capture_default_str();
  cmd->add_option("--aliases", args->match.aliases_path, "TSV of alias<TAB>symbol for matching");
  cmd->add_option("--target-sum", args->score.target_sum, "Counts per spot after scaling")
      ->capture_default_str();
  cmd->add_option("--threads", args->score.threads, "Threads (default: all cores)");
  cmd->add_option("--seed", args->score.seed, "Seed for control genes and rank ties")
      ->capture_default_str();
  cmd->add_flag("--no-ssgsea-norm", args->no_ssgsea_norm,
                "ssgsea: raw enrichment scores, not divided by their range over the slide");
  cmd->add_option("-o,--output", args->output, "Write the slide + scores as .h5ad");
  cmd->add_option("--tsv", args->tsv, "Write the scores as TSV (spots x pathways)");
  cmd->add_flag("--force", args->force, "Overwrite existing outputs");
  cmd->add_flag("--json", args->json, "Print the run summary and QC as JSON on stdout");

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    args->slide.read.format = parse_input_format(args->slide.format);
    args->score.method = parse_score_method(args->method);
    args->score.ssgsea_normalize = !args->no_ssgsea_norm;
    STX_CHECK(!args->output.empty() || !args->tsv.empty(), ConfigError,
              "score: nothing to write; give -o FILE.h5ad and/or --tsv FILE.tsv");
    check_output_path(args->output, args->force);
    check_output_path(args->tsv, args->force);
    const auto gene_sets = load_gene_sets(args->gene_sets);

    const Slide slide = read_slide(args->slide.read);
    const GeneSetMatch match = match_gene_sets(gene_sets, slide.gene_symbols, args->match);
    for (const auto& warning : match.warnings) log()->warn("{}", warning);
    const auto start = std::chrono::steady_clock::now();
    const PathwayScores scores = score_pathways(slide.counts, match, args->score);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (!args->tsv.empty()) write_scores_tsv(scores, slide.spot_ids, args->tsv);
    if (!args->output.empty()) {
      H5adExtras extras;
      add_scores_to_h5ad(scores, args->gene_sets, slide.gene_symbols, extras);
      write_h5ad(slide, args->output, extras);
    }
    int64_t flagged = 0;
    for (uint8_t f : scores.flagged) flagged += f;
    const ScoreQc qc = score_qc(scores, slide);
    if (args->json) {
      nlohmann::json j;
      j["slide"] = slide.name;
      j["spots"] = slide.n_spots();
      j["method"] = scores.method;
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
      return 0;
    }
    fmt::print("  slide      = {} ({} spots x {} genes)\n", slide.name, slide.n_spots(),
               slide.n_genes());
    fmt::print("  method     = {}\n", scores.method);
    fmt::print("  gene sets  = {} scored, {} dropped ({})\n", match.sets.size(),
               match.dropped.size(), args->gene_sets);
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
    if (!args->output.empty()) fmt::print("  wrote {}\n", args->output);
    if (!args->tsv.empty()) fmt::print("  wrote {}\n", args->tsv);
    return 0;
  };
}

}  // namespace stx::cli
