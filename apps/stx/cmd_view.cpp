// `stx view <h5ad or run folder> -o view/`: the options of run_view (stx/pipeline/view.hpp).
#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/view.hpp"

namespace stx::cli {

Action add_view(CLI::App& app) {
  auto run = std::make_shared<ViewRun>();
  CLI::App* cmd = app.add_subcommand(
      "view", "Write a deep-zoom viewer of a prediction over its H&E that opens from disk (view/index.html)");
  cmd->add_option("input", run->input,
                  "An .h5ad of stx predict (or stx score), or a run folder holding one *_predicted.h5ad")
      ->required();
  cmd->add_option("--measured", run->measured,
                  "An .h5ad of the same slide's measured scores (stx score; a run folder's <slide>.h5ad is "
                  "taken when there): measured beside predicted");
  add_domains_option(cmd, run->domains, "domains.tsv of stx domains: each spot's domain as a layer");
  add_image_option(cmd, run->image, "The H&E, when the .h5ad's recorded image has moved");
  add_out_folder_option(cmd, run->out, "Folder to write (index.html, the tiles, the data)")->capture_default_str();
  add_threads_option(cmd, run->threads);
  add_force_flag(cmd, run->force, "an existing folder");
  return print_result_when_parsed(cmd, run, run_view);
}

}  // namespace stx::cli
