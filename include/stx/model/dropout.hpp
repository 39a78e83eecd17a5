// Dropout whose masks come from a generator the training run owns, so that ensemble members
// trained side by side in threads each draw their own reproducible stream. torch::nn::Dropout
// always draws from the process-wide generator, which threads would share and race on.
// The run installs its generator for the current thread (DropoutGeneratorScope); without one,
// or on a non-CPU tensor, masks come from the default generator as torch::nn::Dropout's do.
// The draws are the ones at::dropout makes on the CPU, so a generator seeded like the default
// one gives the same masks.
#pragma once

#include "stx/torch/torch_compat.hpp"

namespace stx {

/// Makes `generator` (a CPU generator) the source of dropout masks on this thread while alive.
class DropoutGeneratorScope {
 public:
  explicit DropoutGeneratorScope(at::Generator generator);
  ~DropoutGeneratorScope();
  DropoutGeneratorScope(const DropoutGeneratorScope&) = delete;
  DropoutGeneratorScope& operator=(const DropoutGeneratorScope&) = delete;

 private:
  at::Generator previous_;
};

/// (shape) tensor of 0 and 1 / (1 - p): a spot is kept with probability 1 - p.
torch::Tensor dropout_keep_mask(at::IntArrayRef shape, double p, const torch::TensorOptions& options);

/// torch::nn::Dropout with the masks above.
class SeededDropoutImpl : public torch::nn::Module {
 public:
  explicit SeededDropoutImpl(double p) : p_(p) {}
  torch::Tensor forward(const torch::Tensor& x);
  double p() const { return p_; }

 private:
  double p_;
};
TORCH_MODULE(SeededDropout);

}  // namespace stx
