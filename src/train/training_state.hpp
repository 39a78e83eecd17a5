// What one training run carries from epoch to epoch (the model, the best model so far, the
// optimiser, early-stopping counters and the metrics history), and its checkpoint: all of it,
// saved atomically, so that a resumed run replays exactly what the uninterrupted one would do.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "stx/model/quadflow.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

struct TrainingState {
  QuadFlow model{nullptr}, best{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer;
  int64_t epochs_done = 0, bad_epochs = 0;
  double best_val = std::numeric_limits<double>::infinity();
  nlohmann::json history = nlohmann::json::array();  // one object per epoch (metrics.jsonl)
};

/// AdamW over two parameter groups: QuadFlow's, and the fine-tuned encoder tail's (when there
/// is one), whose rate is scaled per step.
std::unique_ptr<torch::optim::AdamW> make_optimizer(const QuadFlow& model, double learning_rate, double weight_decay);

/// Restores `state` from `path`; FormatError when unreadable, ConfigError when the checkpoint
/// was written for another `fingerprint` (configuration and data).
void restore_checkpoint(const std::string& path, const std::string& fingerprint, TrainingState& state);

/// Writes `state` to `path` atomically.
void save_checkpoint(const std::string& path, const std::string& fingerprint, const TrainingState& state);

/// Writes the history as JSON lines to `path` atomically.
void write_metrics(const std::string& path, const nlohmann::json& history);

}  // namespace stx
