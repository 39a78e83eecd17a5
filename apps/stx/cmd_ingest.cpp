// `stx ingest <input>`: read any supported input, print its summary, optionally write .h5ad.
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "slide_report.hpp"
#include "stx/core/error.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/io/read_slide.hpp"

namespace stx::cli {
namespace fs = std::filesystem;

namespace {
struct IngestArgs {
  ReadOptions read;
  std::string format = "auto";
  std::string output;
  bool force = false;
  bool json = false;
};

void check_output_path(const std::string& output, bool force) {
  if (output.empty()) return;
  STX_CHECK(force || !fs::exists(output), ConfigError,
            "{}: already exists (pass --force to overwrite)", output);
  const fs::path parent = fs::path(output).parent_path();
  STX_CHECK(parent.empty() || fs::is_directory(parent), IoError,
            "{}: output directory '{}' does not exist", output, parent.string());
}
}  // namespace

Action add_ingest(CLI::App& app) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Read a slide (legacy ST, Space Ranger, AnnData, 10x .h5), summarise it, "
                "optionally write .h5ad");
  cmd->add_option("input", args->read.input,
                  "Space Ranger folder, .h5ad, 10x .h5, legacy ST counts .tsv[.gz] or dataset "
                  "folder")
      ->required();
  cmd->add_option("--format", args->format, "Input format (default: detected)")
      ->check(CLI::IsMember({"auto", "legacy-st", "spaceranger", "h5ad", "10x-h5"}));
  cmd->add_option("--section", args->read.section, "Legacy ST dataset folder: section to read");
  cmd->add_option("--spots", args->read.spots_path, "Legacy ST spot selection table");
  cmd->add_option("--image", args->read.image_path, "Full-resolution H&E image");
  cmd->add_option("--labels", args->read.labels_path,
                  "Per-spot annotation table (HER2ST pathologist labels, or spot id + label)");
  cmd->add_option("--um-per-px", args->read.um_per_px,
                  "Full-resolution µm per pixel (default: from the data)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--obs-x", args->read.obs_x, "h5ad: obs column holding the image column");
  cmd->add_option("--obs-y", args->read.obs_y, "h5ad: obs column holding the image row");
  cmd->add_option("-o,--output", args->output, "Write the slide as AnnData .h5ad here");
  cmd->add_flag("--force", args->force, "Overwrite an existing output");
  cmd->add_flag("--json", args->json, "Print the summary as JSON on stdout");

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    args->read.format = parse_input_format(args->format);
    check_output_path(args->output, args->force);
    const Slide slide = read_slide(args->read);
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
