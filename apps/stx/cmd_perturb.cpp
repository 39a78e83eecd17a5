// `stx perturb -m MODEL --pathway NAME`: the options of run_perturb (stx/pipeline/perturb.hpp).

#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/perturb.hpp"

namespace stx::cli {

Action add_perturb(CLI::App& app) {
  auto run = std::make_shared<PerturbRun>();
  CLI::App* cmd = app.add_subcommand(
      "perturb", "Raise a pathway's activity in a model and read what its gene decoder does to every gene");
  add_model_option(cmd, run->model);
  add_pathway_option(cmd, run->pathways, "Pathway(s) to raise, each with a figure of its top genes [all, no figures]");
  cmd->add_option("--shift", run->shift_sd, "The rise, in sd of the pathway's activity over the training spots")
      ->capture_default_str();
  add_out_folder_option(cmd, run->out, "Output folder (perturbation_genes.tsv, perturbation_checks.tsv)")
      ->capture_default_str();
  add_seed_option(cmd, run->seed, "the random gene sets of the control");
  add_force_flag(cmd, run->force, "existing outputs");
  return print_result_when_parsed(cmd, run, run_perturb);
}

}  // namespace stx::cli
