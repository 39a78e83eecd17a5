// `stx evaluate`: cross-validation of QuadFlow against the mean, library-size and ridge
// baselines on the same features, leaving one patient out and one section out within a patient
// side by side in one run (the fold plan is printed first); optional ablations.
#pragma once

#include <string>
#include <vector>

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
};

void run_evaluate(EvaluateRun run);

}  // namespace stx
