// `stx ingest <input>`: read any supported input, print its summary, optionally write .h5ad.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "read_options.hpp"
#include "slide_report.hpp"
#include "stx/core/error.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/io/read_slide.hpp"

namespace stx::cli {

namespace {
struct IngestArgs {
  SlideArgs slide;
  std::string output;
  bool force = false;
  bool json = false;
};
}  // namespace

Action add_ingest(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Read a slide (legacy ST, Space Ranger, AnnData, 10x .h5), summarise it, "
                "optionally write .h5ad");
  add_slide_options(cmd, args->slide);
  cmd->add_option("-o,--output", args->output, "Write the slide as AnnData .h5ad here");
  cmd->add_flag("--force", args->force, "Overwrite an existing output");
  cmd->add_flag("--json", args->json, "Print the summary as JSON on stdout");

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    args->slide.read.format = parse_input_format(args->slide.format);
    check_output_path(args->output, args->force);
    const Slide slide = read_slide(args->slide.read);
    const SlideSummary summary = summarize(slide);
    if (!args->output.empty()) write_h5ad(slide, args->output);
    if (args->json) {
      nlohmann::json j = summary_json(slide, summary);
      if (!args->output.empty()) j["output"] = args->output;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << format_summary(slide, summary);
      if (!args->output.empty()) std::cout << "  wrote " << args->output << "\n";
    }
    return 0;
  };
}

}  // namespace stx::cli
