#include "load_weights.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {
namespace {
bool skipped(const std::string& name) {
  return ends_with(name, "num_batches_tracked");
}
bool all_start_with(const StateDict& w, const std::string& prefix) {
  for (const auto& [name, tensor] : w)
    if (name.rfind(prefix, 0) != 0) return false;
  return !w.empty();
}
}  // namespace

void load_weights_strictly(torch::nn::Module& module, const StateDict& weights, const std::string& source) {
  std::map<std::string, torch::Tensor> targets;
  for (const auto& p : module.named_parameters()) targets[p.key()] = p.value();
  for (const auto& b : module.named_buffers())
    if (!skipped(b.key())) targets[b.key()] = b.value();
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& [name, tensor] : targets) expected[name] = tensor.sizes().vec();
  StateDict kept;
  for (const auto& [name, tensor] : weights)
    if (!skipped(name)) kept.emplace(name, tensor);
  check_state_dict(kept, expected, source);
  for (const auto& [name, tensor] : kept)
    STX_CHECK(std::all_of(tensor.values.begin(), tensor.values.end(), [](float v) { return std::isfinite(v); }),
              FormatError, "{}: weight '{}' holds NaN or infinite values", source, name);
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : targets) {
    const auto& values = kept.at(name).values;
    std::memcpy(tensor.data_ptr<float>(), values.data(), values.size() * sizeof(float));
  }
}

StateDict strip_wrapper_prefix(StateDict weights, const std::string& extra) {
  for (const std::string& wrapper : {std::string("module."), std::string("model."), extra}) {
    if (wrapper.empty() || !all_start_with(weights, wrapper)) continue;
    StateDict stripped;
    for (auto& [name, tensor] : weights) stripped.emplace(name.substr(wrapper.size()), std::move(tensor));
    weights = std::move(stripped);
  }
  return weights;
}

}  // namespace stx
