// What `stx train` and `stx evaluate` share: which slides, how targets are made (scoring
// method, gene sets, target genes), the encoder, and the model and optimiser; resolved into
// read options and a dataset.
#pragma once

#include <string>
#include <vector>

#include "stx/io/readers/read_slide.hpp"
#include "stx/train/dataset.hpp"
#include "stx/train/trainer.hpp"

namespace stx {

struct TrainingInputs {
  std::vector<std::string> inputs;
  std::vector<std::string> sections;  // legacy ST dataset folder: the sections to use
  std::vector<std::string> groups;    // SECTION=GROUP pairs (e.g. patient) for cross-validation
  std::string group_table;            // a SLIDE -> GROUP table (read_slide_groups)
  std::string format = "auto";
  double um_per_px = kUnknown;
  std::string method = "rank";
  std::string genes_file;
  std::string linear_path = "auto";  // on | off | auto (linear_path_by_default)
  DatasetOptions data;
  TrainOptions train;
};

/// Validates the parsed options and resolves them (scoring method, gene list, read options).
std::vector<ReadOptions> resolve_training_inputs(TrainingInputs& args);

/// Sets each slide's group (patient): a legacy ST section's letters (HER2ST's `B4` -> `B`),
/// then the --group-table rows, then --group SECTION=GROUP pairs, each overriding the last.
void apply_groups(const TrainingInputs& args, Dataset& data);

/// The resolved parameters as aligned `name = value` lines.
std::string describe_training_setup(const TrainingInputs& args, const Dataset& data);

}  // namespace stx
