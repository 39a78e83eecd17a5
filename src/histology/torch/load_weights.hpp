// Strict weight loading for the native encoders: every parameter and buffer of the module must
// be in the state dict with its shape, and nothing else may be (check_state_dict lists all
// differences in one error). BatchNorm's step counter is not a weight and is skipped.
#pragma once

#include <string>

#include "stx/histology/weights/weights.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

void load_weights_strictly(torch::nn::Module& module, const StateDict& weights, const std::string& source);

/// `weights` without a wrapper prefix that all names share: "module." (DataParallel), "model.",
/// or `extra` (e.g. "vit." for a Hugging Face model with a head).
StateDict strip_wrapper_prefix(StateDict weights, const std::string& extra = "");

}  // namespace stx
