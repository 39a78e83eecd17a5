#include "stx/pipeline/evaluate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/pipeline/inputs.hpp"
#include "stx/eval/cross_validation.hpp"
#include "stx/eval/spatial_stripes.hpp"

namespace stx {
namespace fs = std::filesystem;

EvaluateResult run_evaluate(EvaluateRun run) {
  const auto reads = resolve_training_inputs(run.training);
  CvOptions options;
  options.train = run.training.train;
  options.ablations = run.ablations;
  options.folds.by_patient = run.protocol != "section";
  options.folds.by_section = run.protocol != "patient";
  options.folds.held_out = run.held_out;
  // Slide names known before reading: check the plan now (stripes of one slide are planned later).
  if (!run.training.sections.empty() && run.spatial_folds == 0) {
    Dataset named;
    for (const auto& section : run.training.sections) {
      named.slides.emplace_back();
      named.slides.back().spots.name = named.slides.back().group = section;
    }
    apply_groups(run.training, named);
    plan_cv_folds(named.slides, options.folds);
  }
  STX_CHECK(run.spatial_folds == 0 || reads.size() == 1, ConfigError,
            "--spatial-folds cuts one slide into stripes; found {} slides (hold out patients instead)", reads.size());
  STX_CHECK(run.force || !fs::exists(fs::path(run.out) / run_folder::kCvSummary), ConfigError,
            "{}: already holds an evaluation (pass --force to overwrite)", run.out);
  make_output_folder(run.out);
  Dataset data = prepare_dataset(reads, run.training.data);
  apply_groups(run.training, data);
  tell(run.say, describe_training_setup(run.training, data));
  if (run.spatial_folds > 0) {
    data.slides = spatial_stripes(data.slides.front(), run.spatial_folds);
    options.folds.group_protocol = kLeaveOneStripeOut;
    tell(run.say, fmt::format("  protocol  = {} spatial stripes of one slide, each held out in turn: tissue the "
                              "models did not train on, but from the same section (optimistic next to a "
                              "held-out patient)\n", run.spatial_folds));
  }
  for (const Fold& fold : plan_cv_folds(data.slides, options.folds)) {
    std::vector<std::string> train;
    for (size_t i : fold.train) train.push_back(data.slides[i].name());
    tell(run.say, fmt::format("  fold      = {}: hold out {}, train on {}\n", fold.protocol, fold.held_out,
                              fmt::join(train, ", ")));
  }
  const CvResult result = cross_validate(data, options, [](const std::string& fold, const std::string& method) {
    log()->info("held out {}: {}", fold, method);
  });
  EvaluateResult r;
  r.summary = cv_summary_markdown(result);
  // The metrics and the summary appear together or, on any error, neither.
  StagedFiles outputs;
  r.metrics_path = (fs::path(run.out) / run_folder::kCvMetrics).string();
  r.summary_path = (fs::path(run.out) / run_folder::kCvSummary).string();
  write_cv_tsv(result, outputs.reserve(r.metrics_path));
  outputs.write(r.summary_path, r.summary);
  outputs.commit();
  return r;
}

std::string describe(const EvaluateResult& r) {
  return r.summary + fmt::format("\nWrote {} and {} (per target r, partial r, MSE, map specificity)\n",
                                 r.summary_path, run_folder::kCvMetrics);
}

}  // namespace stx
