// `stx evaluate <slides>`: the options of run_evaluate (stx/pipeline/evaluate.hpp).
#include <memory>

#include "commands.hpp"
#include "stdout_say.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/evaluate.hpp"
#include "training_args.hpp"

namespace stx::cli {

Action add_evaluate(CLI::App& app) {
  auto run = std::make_shared<EvaluateRun>();
  CLI::App* cmd = app.add_subcommand(
      "evaluate", "Cross-validate QuadFlow against mean, library-size and ridge baselines");
  add_training_options(cmd, run->training);
  add_out_folder_option(cmd, run->out, "Output folder (cv_metrics.tsv, cv_summary.md)")
      ->capture_default_str();
  cmd->add_flag("--ablations", run->ablations,
                "Also train each ablation (every flow off, strict bottleneck, no smoothness)");
  add_force_flag(cmd, run->force, "an existing output folder's results");
  cmd->add_option("--protocol", run->protocol,
                  "patient: leave one patient out; section: leave one section out within a patient; "
                  "both, side by side")
      ->check(CLI::IsMember({"both", "patient", "section"}))->capture_default_str();
  cmd->add_option("--held-out", run->held_out, "Run only the folds that hold out these patients or sections")
      ->delimiter(',');
  cmd->add_option("--spatial-folds", run->spatial_folds,
                  "One slide only: cut it into K stripes across its longer side and hold out each in turn "
                  "(optimistic next to a held-out patient)")
      ->check(CLI::Range(2, 100));

  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    run->say = stdout_say();
    fmt::print("{}", describe(run_evaluate(*run)));
    return 0;
  };
}

}  // namespace stx::cli
