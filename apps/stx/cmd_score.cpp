// `stx score <slide>`: the options of run_score (stx/pipeline/score.hpp).
#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "read_options.hpp"
#include "stx/pipeline/score.hpp"

namespace stx::cli {

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
    run_score(*run);
    return 0;
  };
}

}  // namespace stx::cli
