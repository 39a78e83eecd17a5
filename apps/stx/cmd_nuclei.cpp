// `stx nuclei IMAGE -o nuclei.tsv`: the options of run_nuclei (stx/pipeline/nuclei.hpp).
#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "stx/io/slide.hpp"
#include "stx/pipeline/nuclei.hpp"

namespace stx::cli {

Action add_nuclei(CLI::App& app) {
  auto run = std::make_shared<NucleiRun>();
  CLI::App* cmd = app.add_subcommand(
      "nuclei", "Find nuclei on an H&E image (maxima of the haematoxylin channel) for stx predict --cells");
  cmd->add_option("image", run->image, "H&E image (.jpg, .png, .tif, .svs, ...)")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", run->output, "Centre table (TSV: cell_id, x, y in pixels, x_um, y_um)")->required();
  cmd->add_option("--um-per-px", run->um_per_px, "Full-resolution µm per pixel (default: from the file)")
      ->check(finite_range(kMinUmPerPx, kMaxUmPerPx));
  add_nucleus_options(cmd, run->options);
  add_threads_option(cmd, run->threads);
  cmd->add_flag("--force", run->force, "Overwrite an existing table");
  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    run_nuclei(*run);
    return 0;
  };
}

}  // namespace stx::cli
