// OpenSlideImage: region reads at the pyramid level nearest the requested downsample, so a
// gigapixel slide is never decoded whole.
#include <openslide.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdlib>

#include "image_backends.hpp"
#include "stx/core/error.hpp"

namespace stx {

OpenSlideImage::OpenSlideImage(std::string path)
    : path_(std::move(path)), um_per_px_(std::nan("")) {
  osr_ = openslide_open(path_.c_str());
  STX_CHECK(osr_ != nullptr, FormatError, "{}: not a whole-slide image OpenSlide can read",
            path_);
  if (const char* error = openslide_get_error(osr_)) {
    const std::string message = error;
    openslide_close(osr_);
    osr_ = nullptr;
    throw FormatError(fmt::format("{}: OpenSlide: {}", path_, message));
  }
  openslide_get_level0_dimensions(osr_, &width_, &height_);
  const char* mpp_x = openslide_get_property_value(osr_, OPENSLIDE_PROPERTY_NAME_MPP_X);
  const char* mpp_y = openslide_get_property_value(osr_, OPENSLIDE_PROPERTY_NAME_MPP_Y);
  if (mpp_x != nullptr && mpp_y != nullptr)  // scanners record µm per level-0 pixel
    um_per_px_ = 0.5 * (std::strtod(mpp_x, nullptr) + std::strtod(mpp_y, nullptr));
}

OpenSlideImage::~OpenSlideImage() {
  if (osr_ != nullptr) openslide_close(osr_);
}

cv::Mat OpenSlideImage::read_region(const cv::Rect2d& region, cv::Size out_size) const {
  const double downsample = std::max(1.0, region.width / out_size.width);
  const int32_t level = openslide_get_best_level_for_downsample(osr_, downsample);
  const double level_downsample = openslide_get_level_downsample(osr_, level);
  const int64_t w = std::max<int64_t>(1, std::llround(region.width / level_downsample));
  const int64_t h = std::max<int64_t>(1, std::llround(region.height / level_downsample));
  // OpenSlide returns premultiplied ARGB in native-endian uint32: BGRA bytes on x86.
  cv::Mat bgra(static_cast<int>(h), static_cast<int>(w), CV_8UC4);
  openslide_read_region(osr_, reinterpret_cast<uint32_t*>(bgra.data),
                        static_cast<int64_t>(std::floor(region.x)),
                        static_cast<int64_t>(std::floor(region.y)), level, w, h);
  if (const char* error = openslide_get_error(osr_)) {
    throw FormatError(fmt::format("{}: OpenSlide read failed: {}", path_, error));
  }
  // Transparent (off-slide) pixels become white, like the raster backend's padding.
  cv::Mat rgb(bgra.size(), CV_8UC3);
  for (int y = 0; y < bgra.rows; ++y) {
    const cv::Vec4b* src = bgra.ptr<cv::Vec4b>(y);
    cv::Vec3b* dst = rgb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < bgra.cols; ++x) {
      const int a = src[x][3];
      for (int c = 0; c < 3; ++c) dst[x][2 - c] = cv::saturate_cast<uchar>(src[x][c] + 255 - a);
    }
  }
  if (rgb.size() == out_size) return rgb;
  cv::Mat out;
  cv::resize(rgb, out, out_size, 0, 0,
             out_size.width < rgb.cols ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

}  // namespace stx
