// `stx ingest <input>`: the options of run_ingest (stx/pipeline/ingest.hpp).
#include <memory>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/pipeline/ingest.hpp"

namespace stx::cli {

Action add_ingest(CLI::App& app) {
  auto run = std::make_shared<IngestRun>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Read a slide (legacy ST, Space Ranger, AnnData, 10x .h5), summarise it, "
                "optionally write .h5ad");
  add_slide_options(cmd, run->slide);
  cmd->add_option("-o,--output", run->output, "Write the slide as AnnData .h5ad here");
  cmd->add_flag("--force", run->force, "Overwrite an existing output");
  cmd->add_flag("--json", run->json, "Print the summary as JSON on stdout");

  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    run_ingest(*run);
    return 0;
  };
}

}  // namespace stx::cli
