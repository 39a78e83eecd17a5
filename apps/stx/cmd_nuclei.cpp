// `stx nuclei IMAGE -o nuclei.tsv`: the options of run_nuclei (stx/pipeline/nuclei.hpp).

#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "stx/io/slide/slide.hpp"
#include "stx/pipeline/nuclei.hpp"

namespace stx::cli {

Action add_nuclei(CLI::App& app) {
  auto run = std::make_shared<NucleiRun>();
  CLI::App* cmd = app.add_subcommand(
      "nuclei", "Find nuclei on an H&E image (maxima of the haematoxylin channel) for stx predict --cells");
  cmd->add_option("image", run->image, "H&E image (.jpg, .png, .tif, .svs, ...)")->required()->check(CLI::ExistingFile);
  add_output_option(cmd, run->output, "Centre table (TSV: cell_id, x, y in pixels, x_um, y_um)")->required();
  add_um_per_px_option(cmd, run->um_per_px, "the file");
  add_nucleus_options(cmd, run->options);
  add_threads_option(cmd, run->threads);
  add_force_flag(cmd, run->force, "an existing table");
  return print_result_when_parsed(cmd, run, run_nuclei);
}

}  // namespace stx::cli
