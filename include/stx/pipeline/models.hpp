// `stx models`: what each shipped model (and each model file the user names) was trained on,
// with which encoder, for which targets, and its card's accuracy line. Returns the summaries;
// the CLI prints them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/pipeline/model_registry.hpp"

namespace stx {

struct ModelSummary {
  ModelEntry entry;
  std::vector<std::string> training_slides;
  std::vector<double> training_um_per_px;  // [min, max]; empty for models from before it
  std::string encoder;                     // identity, e.g. builtin-v1
  int64_t features = 0;
  std::string pathway_targets;             // "50 pathways (rank, hallmarks)"
  std::string gene_targets;                // "250 genes (log1p CP10k)"
  int64_t members = 1;                     // models averaged
  int64_t bytes = 0;                       // size of the model file
};

/// The shipped models, then each of `paths` (a model file, or a run folder with model.pt).
/// A damaged or foreign file fails with the loader's one-line error naming it.
std::vector<ModelSummary> list_models(const std::vector<std::string>& paths);

}  // namespace stx
