// `stx train`: trains QuadFlow on every given slide (optionally early-stopping on a
// validation slide) and writes OUT/model.pt, OUT/config.json and OUT/metrics.jsonl. An
// interrupted run continues from OUT/checkpoint.pt with resume.
#pragma once

#include <cstdint>
#include <string>

#include "stx/pipeline/say.hpp"
#include "stx/pipeline/training_inputs.hpp"

namespace stx {

struct TrainRun {
  TrainingInputs training;
  std::string out = "stx-model";
  std::string validation;  // a slide held out for early stopping; empty: none
  bool force = false;
  int64_t print_every = 10;  // epochs between progress lines
  bool epoch_lines = true;   // false (stx -q train): no per-epoch progress lines
  Say say;                   // the setup, before training starts
};

struct TrainResult {
  std::string model;  // model.pt (beside it config.json, metrics.jsonl); empty on a data-parallel worker
};

/// Trains and writes the model and its config.json (staged: both or neither).
TrainResult run_train(TrainRun run);

/// What was written, as `stx train` prints it.
std::string describe(const TrainResult& result);

}  // namespace stx
