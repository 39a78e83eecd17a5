// `stx ingest <input>`: the options of run_ingest (stx/pipeline/ingest.hpp).
#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "read_options.hpp"
#include "stx/pipeline/ingest.hpp"

namespace stx::cli {

Action add_ingest(CLI::App& app) {
  auto run = std::make_shared<IngestRun>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Read a slide (legacy ST, Space Ranger, AnnData, 10x .h5), summarise it, "
                "optionally write .h5ad");
  add_slide_options(cmd, run->slide);
  add_output_option(cmd, run->output, "Write the slide as AnnData .h5ad here");
  add_force_flag(cmd, run->force, "an existing output");
  add_json_flag(cmd, run->json, "the summary");

  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    run_ingest(*run);
    return 0;
  };
}

}  // namespace stx::cli
