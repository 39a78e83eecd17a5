// `stx report RUN`: the options of run_report (stx/pipeline/report.hpp).

#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/report.hpp"

namespace stx::cli {

Action add_report(CLI::App& app) {
  auto run = std::make_shared<ReportRun>();
  CLI::App* cmd = app.add_subcommand("report", "Write the HTML report of a run folder");
  cmd->add_option("run", run->folder,
                  "Run folder: cv_metrics.tsv (stx evaluate), optional run.json, maps/ "
                  "(stx predict --maps), domains/ (stx domains)")
      ->required();
  add_output_option(cmd, run->output, "HTML file (default: RUN/report.html)");
  add_force_flag(cmd, run->force, "an existing report");
  return print_result_when_parsed(cmd, run, run_report);
}

}  // namespace stx::cli
