// `stx evaluate <slides>`: cross-validation of QuadFlow against the mean, library-size and
// ridge baselines on the same features, leaving one patient out and one section out within a
// patient side by side in one run (the fold plan is printed first); optional ablations.
#include <filesystem>
#include <memory>

#include <fmt/ranges.h>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/core/log.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/train/cross_validation.hpp"
#include "training_args.hpp"

namespace stx::cli {
namespace fs = std::filesystem;

namespace {
struct EvaluateArgs {
  TrainingArgs training;
  std::string out = "stx-evaluate";
  bool ablations = false;
  bool force = false;
  std::string protocol = "both";
  std::vector<std::string> held_out;
};
}  // namespace

Action add_evaluate(CLI::App& app) {
  auto args = std::make_shared<EvaluateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "evaluate", "Cross-validate QuadFlow against mean, library-size and ridge baselines");
  add_training_options(cmd, args->training);
  cmd->add_option("-o,--out", args->out, "Output folder (cv_metrics.tsv, cv_summary.md)")
      ->capture_default_str();
  cmd->add_flag("--ablations", args->ablations,
                "Also train each ablation (every flow off, strict bottleneck, no smoothness)");
  cmd->add_flag("--force", args->force, "Overwrite an existing output folder's results");
  cmd->add_option("--protocol", args->protocol,
                  "patient: leave one patient out; section: leave one section out within a patient; "
                  "both, side by side")
      ->check(CLI::IsMember({"both", "patient", "section"}))->capture_default_str();
  cmd->add_option("--held-out", args->held_out, "Run only the folds that hold out these patients or sections")
      ->delimiter(',');

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    const auto reads = resolve_training_args(args->training);
    CvOptions options;
    options.train = args->training.train;
    options.ablations = args->ablations;
    options.folds.by_patient = args->protocol != "section";
    options.folds.by_section = args->protocol != "patient";
    options.folds.held_out = args->held_out;
    if (!args->training.sections.empty()) {  // slide names known before reading: check the plan now
      Dataset named;
      for (const auto& section : args->training.sections) {
        named.slides.emplace_back();
        named.slides.back().name = named.slides.back().group = section;
      }
      apply_groups(args->training, named);
      plan_cv_folds(named.slides, options.folds);
    }
    STX_CHECK(args->force || !fs::exists(fs::path(args->out) / run_folder::kCvSummary), ConfigError,
              "{}: already holds an evaluation (pass --force to overwrite)", args->out);
    make_output_folder(args->out);
    Dataset data = prepare_dataset(reads, args->training.data);
    apply_groups(args->training, data);
    print_training_setup(args->training, data);
    for (const Fold& fold : plan_cv_folds(data.slides, options.folds)) {
      std::vector<std::string> train;
      for (size_t i : fold.train) train.push_back(data.slides[i].name);
      fmt::print("  fold      = {}: hold out {}, train on {}\n", fold.protocol, fold.held_out, fmt::join(train, ", "));
    }
    const CvResult result = cross_validate(data, options, [](const std::string& fold, const std::string& method) {
      log()->info("held out {}: {}", fold, method);
    });
    const std::string summary = cv_summary_markdown(result);
    fmt::print("{}", summary);
    write_cv_tsv(result, (fs::path(args->out) / run_folder::kCvMetrics).string());
    const std::string summary_path = (fs::path(args->out) / run_folder::kCvSummary).string();
    write_text_atomically(summary_path, summary);
    fmt::print("\nWrote {} and {} (per target r, partial r, MSE)\n", summary_path, run_folder::kCvMetrics);
    return 0;
  };
}

}  // namespace stx::cli
