// `stx evaluate`: cross-validation of QuadFlow against the mean, library-size and ridge
// baselines on the same features, leaving one patient out and one section out within a patient
// side by side in one run (the fold plan is printed first); optional ablations.
#pragma once

#include <string>
#include <vector>

#include "stx/pipeline/say.hpp"
#include "stx/pipeline/training_inputs.hpp"

namespace stx {

struct EvaluateRun {
  TrainingInputs training;
  std::string out = "stx-evaluate";
  bool ablations = false;
  bool force = false;
  std::string protocol = "both";      // both | patient | section
  std::vector<std::string> held_out;  // only the folds holding out these patients or sections
  int spatial_folds = 0;              // > 0: one slide cut into this many stripes (spatial_stripes.hpp)
  Say say;                            // the setup and the fold plan, before the folds run
};

struct EvaluateResult {
  std::string summary;       // cv_summary.md's text
  std::string summary_path;  // cv_summary.md
  std::string metrics_path;  // cv_metrics.tsv
};

/// Cross-validates and writes the summary and the per-target metrics (staged: both or none).
EvaluateResult run_evaluate(EvaluateRun run);

/// The summary and what was written, as `stx evaluate` prints them.
std::string describe(const EvaluateResult& result);

}  // namespace stx
