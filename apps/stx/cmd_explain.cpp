// `stx explain <slide or H&E image> --pathway NAME`: the options of run_explain
// (stx/pipeline/explain.hpp).

#include <memory>

#include "commands.hpp"
#include "read_options.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/explain.hpp"

namespace stx::cli {

Action add_explain(CLI::App& app) {
  auto run = std::make_shared<ExplainRun>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Which spots and features made the model predict a pathway in a region (integrated gradients)");
  add_slide_options(cmd, run->slide, /*image_alone=*/true);
  add_model_option(cmd, run->model);
  add_pathway_option(cmd, run->pathway, "The pathway to explain")->required();
  cmd->add_option("--region", run->region_um,
                  "The region whose mean activity is explained, X,Y,WIDTH,HEIGHT in µm from the image's top left "
                  "[every spot]")
      ->delimiter(',')
      ->expected(4);
  cmd->add_option("--top", run->top_fraction,
                  "The region is the spots predicted highest for the pathway, this share of them (e.g. 0.1)");
  cmd->add_option("--steps", run->options.steps, "Integrated gradients' steps from the baseline")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  add_out_folder_option(cmd, run->out, "Output folder (attribution_*.tsv, attribution.png)")->capture_default_str();
  add_grid_option(cmd, run->grid_kind);
  add_pitch_option(cmd, run->grid.pitch_um);
  add_cache_dir_option(cmd, run->cache_dir);
  add_seed_option(cmd, run->options.seed, "the random deletion orders and the randomised model");
  add_threads_option(cmd, run->options.threads);
  add_force_flag(cmd, run->force, "an existing explanation");
  return print_result_when_parsed(cmd, run, run_explain);
}

}  // namespace stx::cli
