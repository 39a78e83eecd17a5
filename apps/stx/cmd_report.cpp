// `stx report RUN`: one self-contained HTML file from a run folder (see run_report.hpp for
// what it gathers). Refuses a folder without metrics, and an existing output without --force.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/report/run_report.hpp"

namespace stx::cli {
namespace fs = std::filesystem;

Action add_report(CLI::App& app) {
  struct Args {
    std::string run, output;
    bool force = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("report", "Write the HTML report of a run folder");
  cmd->add_option("run", args->run,
                  "Run folder: cv_metrics.tsv (stx evaluate), optional run.json, maps/ "
                  "(stx predict --maps), domains/ (stx domains)")
      ->required();
  cmd->add_option("-o,--output", args->output, "HTML file (default: RUN/report.html)");
  cmd->add_flag("--force", args->force, "Overwrite an existing report");
  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    STX_CHECK(fs::is_directory(args->run), IoError, "{}: not a run folder", args->run);
    if (args->output.empty()) args->output = (fs::path(args->run) / "report.html").string();
    check_output_path(args->output, args->force);
    const std::string page = build_run_report(args->run);
    write_text_atomically(args->output, page);
    fmt::print("Wrote {} ({:.1f} MB, self-contained)\n", args->output, static_cast<double>(page.size()) / 1e6);
    return 0;
  };
}

}  // namespace stx::cli
