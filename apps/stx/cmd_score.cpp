// `stx score <slide>`: the options of run_score (stx/pipeline/score.hpp).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "shared_options.hpp"
#include "read_options.hpp"
#include "stx/pipeline/score.hpp"

namespace stx::cli {
namespace {

std::optional<double> defined(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

// The run's summary and QC on stdout: text, or JSON with --json.
void print(const ScoreResult& r, const ScoreRun& run) {
  if (run.json) {
    nlohmann::json j;
    j["slide"] = r.slide;
    j["spots"] = r.spots;
    j["method"] = r.method;
    j["max_rank"] = run.score.max_rank;
    j["thin_to"] = run.score.thin_to;
    j["pathways"] = r.pathways;
    j["dropped"] = r.dropped;
    j["flagged_spots"] = r.flagged;
    j["seconds"] = r.seconds;
    j["mean_abs_depth_r"] = r.qc.mean_abs_depth_r;
    j["mean_morans_i"] = defined(r.qc.mean_morans_i) ? nlohmann::json(r.qc.mean_morans_i) : nlohmann::json();
    j["mean_residual_morans_i"] =
        defined(r.qc.mean_residual_morans_i) ? nlohmann::json(r.qc.mean_residual_morans_i) : nlohmann::json();
    j["undefined_qc_pathways"] = r.qc.undefined;
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("  slide      = {} ({} spots x {} genes)\n", r.slide, r.spots, r.genes);
  fmt::print("  method     = {}\n", r.scoring);
  fmt::print("  gene sets  = {} scored, {} dropped ({})\n", r.pathways.size(), r.dropped.size(), run.gene_sets);
  fmt::print("  flagged    = {} spot(s) with no counts (scores NaN)\n", r.flagged);
  fmt::print("  depth |r|  = {:.3f} (mean over pathways of |Pearson r| with log library size)\n", r.qc.mean_abs_depth_r);
  fmt::print("  Moran's I  = {:.3f} (mean over pathways; adjacent spots)\n", r.qc.mean_morans_i);
  fmt::print("  Moran's I  = {:.3f} after regressing out log library size\n", r.qc.mean_residual_morans_i);
  if (r.qc.undefined > 0)
    fmt::print("  undefined  = {} pathway(s) with constant scores, left out of the means\n", r.qc.undefined);
  fmt::print("  time       = {:.3f} s ({:.0f} spots/s)\n", r.seconds,
             static_cast<double>(r.spots) / std::max(r.seconds, 1e-9));
  if (!run.output.empty()) fmt::print("  wrote {}\n", run.output);
  if (!run.tsv.empty()) fmt::print("  wrote {}\n", run.tsv);
}

}  // namespace

Action add_score(CLI::App& app) {
  auto run = std::make_shared<ScoreRun>();
  CLI::App* cmd = app.add_subcommand("score", "Score pathway activity per spot from expression");
  add_slide_options(cmd, run->slide);
  add_genesets_option(cmd, run->gene_sets);
  add_method_option(cmd, run->method, "zmean, control, rank (AUCell), ssgsea, ulm");
  add_score_depth_options(cmd, run->score);
  cmd->add_option("--min-genes", run->match.min_genes, "Drop sets with fewer genes found")
      ->capture_default_str();
  cmd->add_option("--aliases", run->match.aliases_path, "TSV of alias<TAB>symbol for matching");
  cmd->add_option("--target-sum", run->score.target_sum, "Counts per spot after scaling")
      ->capture_default_str();
  add_threads_option(cmd, run->score.threads);
  add_seed_option(cmd, run->score.seed, "control genes, rank ties and thinning");
  cmd->add_flag("--no-ssgsea-norm", run->no_ssgsea_norm,
                "ssgsea: raw enrichment scores, not divided by their range over the slide");
  add_output_option(cmd, run->output, "Write the slide + scores as .h5ad");
  add_tsv_option(cmd, run->tsv, "Write the scores as TSV (spots x pathways)");
  cmd->add_option("--coverage", run->coverage,
                  "Write per gene set how many of its genes the data has (a panel's coverage), kept or dropped");
  cmd->add_option("--panel-gmt", run->panel_gmt,
                  "Write the kept gene sets cut to the data's genes, as a GMT for --genesets (a panel-aware GMT)");
  add_force_flag(cmd, run->force, "existing outputs");
  add_json_flag(cmd, run->json, "the run summary and QC");

  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    print(run_score(*run), *run);
    return 0;
  };
}

}  // namespace stx::cli
