// The command-line options of `stx train` and `stx evaluate` (TrainingInputs), declared once.
#pragma once

#include <CLI/CLI.hpp>

#include "stx/pipeline/training_inputs.hpp"
#include "stx/train/train_option_table.hpp"

namespace stx::cli {

void add_training_options(CLI::App* cmd, TrainingInputs& inputs);

/// The numeric options of `scope` from numeric_train_options(): flag, help, default and range
/// as the table declares them (the library checks the same ranges).
void add_numeric_train_options(CLI::App* cmd, TrainOptions& options, TrainOptionScope scope);

}  // namespace stx::cli
