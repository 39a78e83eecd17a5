// 8-bit RGB patches -> the normalised float batch (B, 3, S, S) image models expect, shared by
// the TorchScript and native ViT and Swin encoders.
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <vector>

#include "stx/torch/torch_compat.hpp"

namespace stx {

/// Resizes to size x size when needed (area-averaged when shrinking), scales to [0, 1], then
/// (x - mean) / std per channel.
torch::Tensor patches_to_tensor(const std::vector<cv::Mat>& patches, int64_t size,
                                const std::array<float, 3>& mean, const std::array<float, 3>& std);

/// patches_to_tensor with the ImageNet mean and std (ViT, Swin, and the models built on them).
torch::Tensor imagenet_patches(const std::vector<cv::Mat>& patches, int64_t size);

/// Already-normalised images (batch, 3, size, size) row-major as a tensor that aliases them;
/// ShapeError naming `model` when the count is wrong.
torch::Tensor image_batch(const std::vector<float>& images, int64_t batch, int64_t size, const char* model);

}  // namespace stx
