#include "patch_tensor.hpp"

#include <opencv2/imgproc.hpp>

#include "stx/core/error.hpp"

namespace stx {

torch::Tensor patches_to_tensor(const std::vector<cv::Mat>& patches, int64_t size,
                                const std::array<float, 3>& mean, const std::array<float, 3>& std) {
  const int64_t b = static_cast<int64_t>(patches.size()), s = size;
  torch::Tensor input = torch::empty({b, 3, s, s}, torch::kFloat32);
  float* data = input.data_ptr<float>();
  for (int64_t i = 0; i < b; ++i) {
    cv::Mat rgb = patches[i];
    if (rgb.rows != s || rgb.cols != s)
      cv::resize(patches[i], rgb, cv::Size(static_cast<int>(s), static_cast<int>(s)), 0, 0,
                 rgb.cols > s ? cv::INTER_AREA : cv::INTER_LINEAR);
    for (int c = 0; c < 3; ++c) {
      float* plane = data + (i * 3 + c) * s * s;
      for (int y = 0; y < s; ++y) {
        const cv::Vec3b* row = rgb.ptr<cv::Vec3b>(y);
        for (int x = 0; x < s; ++x) plane[y * s + x] = (row[x][c] / 255.0f - mean[c]) / std[c];
      }
    }
  }
  return input;
}

torch::Tensor imagenet_patches(const std::vector<cv::Mat>& patches, int64_t size) {
  static constexpr std::array<float, 3> kImageNetMean = {0.485f, 0.456f, 0.406f};
  static constexpr std::array<float, 3> kImageNetStd = {0.229f, 0.224f, 0.225f};
  return patches_to_tensor(patches, size, kImageNetMean, kImageNetStd);
}

torch::Tensor image_batch(const std::vector<float>& images, int64_t batch, int64_t size, const char* model) {
  STX_CHECK(static_cast<int64_t>(images.size()) == batch * 3 * size * size, ShapeError,
            "{} forward: {} values for {} images of 3 x {} x {}", model, images.size(), batch, size, size);
  return torch::from_blob(const_cast<float*>(images.data()), {batch, 3, size, size});
}


}  // namespace stx
