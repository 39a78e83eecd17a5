// A tensor's values copied out as a plain vector, for the torch-free code around the models
// (encoder features, the linear path's closed-form fit).
#pragma once

#include <vector>

#include "stx/torch/torch_compat.hpp"

namespace stx {

/// `t`'s values as float32, row-major, on the CPU.
std::vector<float> to_vector(const torch::Tensor& t);

}  // namespace stx
