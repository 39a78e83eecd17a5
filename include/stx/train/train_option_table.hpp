// The numeric training options, each declared once: its flag, help, range and where it lives
// in TrainOptions. The CLI registers them from this table, check_train_options and the model
// file's checks use its ranges, and config.json and the resume fingerprint are written from
// it, so that the four can no longer disagree (issue #31).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <variant>
#include <vector>

#include "stx/train/trainer.hpp"

namespace stx {

/// Which command registers an option: every training command (train, evaluate), or
/// `stx train` alone (its run folder's checkpoints and early stopping).
enum class TrainOptionScope { kTraining, kTrainCommand };

struct NumericTrainOption {
  std::string flag;  // "--epochs"; "" for an option with no flag (set in code, still checked)
  std::string key;   // "epochs": its name in config.json and the resume fingerprint
  std::string help;
  double min = 0, max = 0;  // inclusive, finite
  bool integer = false;
  TrainOptionScope scope = TrainOptionScope::kTraining;
  bool architecture = false;   // QuadFlowOptions: stored in the model file, checked on loading
  bool in_fingerprint = true;  // one model's training depends on it: resuming with another
                               // value is refused (not so --ensemble, --checkpoint-every)
  std::function<std::variant<int64_t*, double*>(TrainOptions&)> field;
};

/// Every numeric training option, once.
const std::vector<NumericTrainOption>& numeric_train_options();

/// The option's value in `options`, as a double.
double train_option_value(const NumericTrainOption& option, const TrainOptions& options);

/// {key: value} of every numeric option (config.json); with `fingerprint_only`, of those in
/// the resume fingerprint.
nlohmann::json train_options_json(const TrainOptions& options, bool fingerprint_only = false);

}  // namespace stx
