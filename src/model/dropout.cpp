#include "stx/model/dropout.hpp"

namespace stx {

namespace {
thread_local at::Generator current_generator;  // undefined: the default generator

// The generator for a tensor on `device`: this thread's run's on the CPU, else the default.
c10::optional<at::Generator> generator_for(const torch::Device& device) {
  if (device.is_cpu() && current_generator.defined()) return current_generator;
  return c10::nullopt;
}
}  // namespace

DropoutGeneratorScope::DropoutGeneratorScope(at::Generator generator) : previous_(current_generator) {
  current_generator = std::move(generator);
}

DropoutGeneratorScope::~DropoutGeneratorScope() { current_generator = previous_; }

torch::Tensor dropout_keep_mask(at::IntArrayRef shape, double p, const torch::TensorOptions& options) {
  return torch::bernoulli(torch::full(shape, 1 - p, options), generator_for(options.device())) / (1 - p);
}

torch::Tensor SeededDropoutImpl::forward(const torch::Tensor& x) {
  if (!is_training() || p_ == 0) return x;
  // as at::dropout on the CPU: noise = bernoulli(1 - p) / (1 - p), then x * noise
  auto noise = at::empty_like(x).bernoulli_(1 - p_, generator_for(x.device()));
  noise.div_(1 - p_);
  return x * noise;
}

}  // namespace stx
