// TorchScriptEncoder: loads a torch.jit export and its JSON sidecar, normalises patches as the
// sidecar says, runs batches under inference mode, pools tokens. See torchscript_encoder.hpp.
#include "stx/histology/torch/torchscript_encoder.hpp"

#include <array>
#include <filesystem>

#include "../encoders/patches.hpp"
#include "../weights/torchscript_sidecar.hpp"
#include "stx/core/error.hpp"
#include "stx/core/hash.hpp"
#include "patch_tensor.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {
namespace fs = std::filesystem;

struct TorchScriptEncoder::Impl {
  EncoderOptions options;
  torch::jit::script::Module module;
  std::string name, output, weights_hash;
  int input_size = 224;
  std::array<float, 3> mean{}, std{};
  int64_t dim = 0;
  std::optional<StainBasis> stain_target;

  void read_sidecar(const std::string& path) {
    TorchScriptSidecar sidecar = read_torchscript_sidecar(path);
    name = std::move(sidecar.name);
    input_size = sidecar.input_size;
    output = std::move(sidecar.output);
    mean = sidecar.mean;
    std = sidecar.std;
  }

  // (B, dim) from one batch of RGB patches.
  torch::Tensor forward(const std::vector<cv::Mat>& patches) const {
    const torch::Tensor input = patches_to_tensor(patches, input_size, mean, std);
    torch_compat::InferenceGuard guard;
    torch::jit::IValue result = const_cast<torch::jit::script::Module&>(module).forward({input});
    if (result.isTuple()) result = result.toTuple()->elements().at(0);
    STX_CHECK(result.isTensor(), FormatError, "{}: the model returned neither a tensor nor a tuple",
              options.weights);
    torch::Tensor out = result.toTensor().to(torch::kFloat32);
    if (output == "vector") {
      STX_CHECK(out.dim() == 2, FormatError,
                "{}: sidecar says output 'vector' (B, D) but the model returned {} dimensions; "
                "use 'cls' or 'mean' for tokens",
                options.weights, out.dim());
      return out.contiguous();
    }
    STX_CHECK(out.dim() == 3, FormatError,
              "{}: sidecar says output '{}' (tokens B, T, D) but the model returned {} dimensions",
              options.weights, output, out.dim());
    return (output == "cls" ? out.select(1, 0) : out.mean(1)).contiguous();
  }
};

TorchScriptEncoder::TorchScriptEncoder(const EncoderOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  STX_CHECK(!options.weights.empty(), ConfigError,
            "--encoder torchscript needs --weights MODEL.pt (a torch.jit.save export)");
  STX_CHECK(fs::is_regular_file(options.weights), IoError, "{}: model file not found", options.weights);
  impl_->read_sidecar(!options.config.empty() ? options.config
                                              : fs::path(options.weights).replace_extension(".json").string());
  torch_compat::set_threads(options.threads);
  try {
    impl_->module = torch::jit::load(options.weights, torch::kCPU);
  } catch (const c10::Error& e) {
    throw FormatError(fmt::format("{}: not a TorchScript module (expected a torch.jit.save export): {}",
                                  options.weights, torch_compat::first_line(e)));
  }
  impl_->module.eval();
  impl_->stain_target = load_stain_reference(options.stain_reference);
  impl_->weights_hash = fmt::format("{:016x}", fnv1a64_file(options.weights));
  cv::Mat blank(impl_->input_size, impl_->input_size, CV_8UC3, cv::Scalar(255, 255, 255));
  try {
    impl_->dim = impl_->forward({blank}).size(1);
  } catch (const c10::Error& e) {
    throw FormatError(fmt::format("{}: the model fails on a (1, 3, {}, {}) input: {}", options.weights,
                                  impl_->input_size, impl_->input_size, torch_compat::first_line(e)));
  }
}

TorchScriptEncoder::~TorchScriptEncoder() = default;

std::string TorchScriptEncoder::identity() const {
  return fmt::format("torchscript-{}-{}-{}", impl_->name, impl_->output, impl_->weights_hash.substr(0, 12));
}

std::string TorchScriptEncoder::preprocessing() const {
  return stain_reference_identity(impl_->options.stain_reference);
}

std::vector<std::string> TorchScriptEncoder::feature_names() const {
  std::vector<std::string> names;
  for (int64_t d = 0; d < impl_->dim; ++d) names.push_back(fmt::format("{}_{}", impl_->name, d));
  return names;
}

std::vector<float> TorchScriptEncoder::encode_patches(const std::vector<cv::Mat>& patches) const {
  std::vector<float> features;
  features.reserve(patches.size() * static_cast<size_t>(impl_->dim));
  const size_t batch = static_cast<size_t>(std::max(1, impl_->options.batch_size));
  for (size_t begin = 0; begin < patches.size(); begin += batch) {
    const std::vector<cv::Mat> chunk(patches.begin() + static_cast<int64_t>(begin),
                                     patches.begin() + static_cast<int64_t>(std::min(patches.size(), begin + batch)));
    try {
      const torch::Tensor out = impl_->forward(chunk);
      features.insert(features.end(), out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
    } catch (const c10::Error& e) {
      throw FormatError(fmt::format("{}: forward failed: {}", impl_->options.weights, torch_compat::first_line(e)));
    }
  }
  return features;
}

std::vector<float> TorchScriptEncoder::encode_spots(const Slide& slide, int64_t begin, int64_t end,
                                                    std::vector<uint8_t>& off_image, Progress& progress) const {
  const auto normalizer = make_normalizer(slide, impl_->stain_target);
  return encode_in_batches(slide, impl_->options.patch, begin, end, std::max(1, impl_->options.batch_size) * 8L,
                           normalizer, off_image, progress,
                           [this](const std::vector<cv::Mat>& patches) { return encode_patches(patches); });
}

}  // namespace stx
