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
  cmd->add_option("--genesets", run->gene_sets, "'hallmarks' (built in) or a GMT file")
      ->capture_default_str();
  add_method_option(cmd, run->method, "zmean, control, rank (AUCell), ssgsea, ulm");
  add_score_depth_options(cmd, run->score);
  cmd->add_option("--min-genes", run->match.min_genes, "Drop sets with fewer genes found")
      ->capture_default_str();
  cmd->add_option("--aliases", run->match.aliases_path, "TSV of alias<TAB>symbol for matching");
  cmd->add_option("--target-sum", run->score.target_sum, "Counts per spot after scaling")
      ->capture_default_str();
  add_threads_option(cmd, run->score.threads);
  cmd->add_option("--seed", run->score.seed, "Seed for control genes, rank ties and thinning")
      ->capture_default_str();
  cmd->add_flag("--no-ssgsea-norm", run->no_ssgsea_norm,
                "ssgsea: raw enrichment scores, not divided by their range over the slide");
  cmd->add_option("-o,--output", run->output, "Write the slide + scores as .h5ad");
  cmd->add_option("--tsv", run->tsv, "Write the scores as TSV (spots x pathways)");
  cmd->add_option("--coverage", run->coverage,
                  "Write per gene set how many of its genes the data has (a panel's coverage), kept or dropped");
  cmd->add_option("--panel-gmt", run->panel_gmt,
                  "Write the kept gene sets cut to the data's genes, as a GMT for --genesets (a panel-aware GMT)");
  cmd->add_flag("--force", run->force, "Overwrite existing outputs");
  cmd->add_flag("--json", run->json, "Print the run summary and QC as JSON on stdout");

  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    run_score(*run);
    return 0;
  };
}

}  // namespace stx::cli
