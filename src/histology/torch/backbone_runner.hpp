// What the native ViT and Swin wrappers share: a loaded image model with the dtype and device
// it runs in, and its forward pass on patches or on already-normalised images.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "patch_tensor.hpp"
#include "stx/torch/tensor_values.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {

template <typename Module>
struct BackboneRunner {
  Module model{nullptr};
  torch::Dtype dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;

  void use_bfloat16() {
    dtype = torch::kBFloat16;
    model->to(dtype);
  }

  void use_device(const std::string& name) {
    device = torch_compat::resolve_device(name);
    model->to(device);
  }

  /// (B, features) of 8-bit RGB patches, resized to `image` px and ImageNet-normalised.
  std::vector<float> encode_patches(const std::vector<cv::Mat>& patches, int64_t image) {
    const torch::Tensor input = imagenet_patches(patches, image);
    torch_compat::InferenceGuard guard;
    return to_vector(model->forward(input.to(device, dtype)));
  }

  /// (batch, features) of normalised images (batch, 3, image, image); `what` names the model in errors.
  std::vector<float> forward(const std::vector<float>& images, int64_t batch, int64_t image, const char* what) {
    torch_compat::InferenceGuard guard;
    return to_vector(model->forward(image_batch(images, batch, image, what).to(device, dtype)));
  }
};

}  // namespace stx
