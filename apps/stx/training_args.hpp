// The command-line options of `stx train` and `stx evaluate` (TrainingInputs), declared once.
#pragma once

#include <CLI/CLI.hpp>

#include "stx/pipeline/training_inputs.hpp"

namespace stx::cli {

void add_training_options(CLI::App* cmd, TrainingInputs& inputs);

}  // namespace stx::cli
