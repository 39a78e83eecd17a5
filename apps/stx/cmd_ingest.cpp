// `stx ingest <input>`: the options of run_ingest (stx/pipeline/ingest.hpp).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

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
    const IngestResult result = run_ingest(*run);
    if (run->json) {
      nlohmann::json j = summary_json(result.slide, result.summary);
      if (!run->output.empty()) j["output"] = run->output;
      fmt::print("{}\n", j.dump(2));
    } else {
      fmt::print("{}", format_summary(result.slide, result.summary));
      if (!run->output.empty()) fmt::print("  wrote {}\n", run->output);
    }
    return 0;
  };
}

}  // namespace stx::cli
