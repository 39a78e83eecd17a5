// OpenSlideImage: region reads at the pyramid level nearest the requested downsample, so a
// gigapixel slide is never decoded whole.
#include <openslide.h>
#include <tiffio.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "image_backends.hpp"
#include "tiff_tiles.hpp"
#include "stx/core/error.hpp"
#include "stx/core/first_error.hpp"

namespace stx {

OpenSlideImage::OpenSlideImage(std::string path)
    : path_(std::move(path)), um_per_px_(std::nan("")) {
  check_tiff_directories(path_);  // before OpenSlide allocates what the tags declare
  {  // libtiff's messages through OpenSlide would be raw lines on stderr: the error we raise is the one
    const TIFFErrorHandler errors = TIFFSetErrorHandler(nullptr);
    const TIFFErrorHandler warnings = TIFFSetWarningHandler(nullptr);
    osr_ = openslide_open(path_.c_str());
    TIFFSetErrorHandler(errors);
    TIFFSetWarningHandler(warnings);
  }
  STX_CHECK(osr_ != nullptr, FormatError, "{}: not a whole-slide image OpenSlide can read",
            path_);
  if (const char* error = openslide_get_error(osr_)) {
    const std::string message = error;
    openslide_close(osr_);
    osr_ = nullptr;
    throw FormatError(fmt::format("{}: OpenSlide: {}", path_, message));
  }
  openslide_get_level0_dimensions(osr_, &width_, &height_);
  check_levels();
  const char* mpp_x = openslide_get_property_value(osr_, OPENSLIDE_PROPERTY_NAME_MPP_X);
  const char* mpp_y = openslide_get_property_value(osr_, OPENSLIDE_PROPERTY_NAME_MPP_Y);
  if (mpp_x != nullptr && mpp_y != nullptr)  // scanners record µm per level-0 pixel
    um_per_px_ = 0.5 * (std::strtod(mpp_x, nullptr) + std::strtod(mpp_y, nullptr));
  // the vendors whose level 0 is the TIFF's first directory
  const char* vendor = openslide_get_property_value(osr_, OPENSLIDE_PROPERTY_NAME_VENDOR);
  if (vendor != nullptr && (std::strcmp(vendor, "generic-tiff") == 0 || std::strcmp(vendor, "aperio") == 0))
    tiles_ = TiffTiles::open(path_, width_, height_);
}

// Every level at most level 0's size and downsampled by at least 1: a level declared larger
// than level 0 reached OpenCV's allocator.
void OpenSlideImage::check_levels() {
  const int32_t levels = openslide_get_level_count(osr_);
  const auto fail = [&](const std::string& what) {
    openslide_close(osr_);
    osr_ = nullptr;
    throw FormatError(fmt::format("{}: {}", path_, what));
  };
  if (levels < 1 || width_ <= 0 || height_ <= 0)
    fail(fmt::format("{} pyramid levels, level 0 of {} x {} px; expected a positive size", levels, width_, height_));
  for (int32_t level = 1; level < levels; ++level) {
    int64_t w = -1, h = -1;
    openslide_get_level_dimensions(osr_, level, &w, &h);
    const double downsample = openslide_get_level_downsample(osr_, level);
    if (w <= 0 || h <= 0 || w > width_ || h > height_ || !(downsample >= 1.0))
      fail(fmt::format("level {} is {} x {} px (downsample {}); expected a positive size no larger than level 0's "
                       "{} x {}",
                       level, w, h, downsample, width_, height_));
  }
}

OpenSlideImage::~OpenSlideImage() {
  if (osr_ != nullptr) openslide_close(osr_);
}

namespace {

// OpenSlide returns premultiplied ARGB in native-endian uint32: BGRA bytes on x86.
// Transparent (off-slide) pixels become white, like the raster backend's padding.
cv::Mat bgra_to_rgb_on_white(const cv::Mat& bgra) {
  cv::Mat rgb(bgra.size(), CV_8UC3);
  for (int y = 0; y < bgra.rows; ++y) {
    const cv::Vec4b* src = bgra.ptr<cv::Vec4b>(y);
    cv::Vec3b* dst = rgb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < bgra.cols; ++x) {
      const int a = src[x][3];
      for (int c = 0; c < 3; ++c) dst[x][2 - c] = cv::saturate_cast<uchar>(src[x][c] + 255 - a);
    }
  }
  return rgb;
}

cv::Mat resized(const cv::Mat& rgb, cv::Size out_size) {
  if (rgb.size() == out_size) return rgb;
  cv::Mat out;
  cv::resize(rgb, out, out_size, 0, 0, out_size.width < rgb.cols ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

// A block of level 0 held in memory; reads inside it at level 0 are crops of it, any other
// read goes to the slide.
class CachedRegion final : public Image {
 public:
  CachedRegion(const OpenSlideImage& slide, cv::Mat rgb, int64_t x0, int64_t y0)
      : slide_(slide), rgb_(std::move(rgb)), x0_(x0), y0_(y0) {}
  int64_t width() const override { return slide_.width(); }
  int64_t height() const override { return slide_.height(); }
  const std::string& path() const override { return slide_.path(); }
  std::string backend() const override { return slide_.backend(); }
  double um_per_px() const override { return slide_.um_per_px(); }
  cv::Mat read_region(const cv::Rect2d& region, cv::Size out_size) const override {
    const int64_t x = static_cast<int64_t>(std::floor(region.x)) - x0_;
    const int64_t y = static_cast<int64_t>(std::floor(region.y)) - y0_;
    const int64_t w = std::max<int64_t>(1, std::llround(region.width));
    const int64_t h = std::max<int64_t>(1, std::llround(region.height));
    if (slide_.level_for(region, out_size) != 0 || x < 0 || y < 0 || x + w > rgb_.cols || y + h > rgb_.rows)
      return slide_.read_region(region, out_size);
    const cv::Rect crop(static_cast<int>(x), static_cast<int>(y), static_cast<int>(w), static_cast<int>(h));
    return resized(rgb_(crop).clone(), out_size);
  }

 private:
  const OpenSlideImage& slide_;
  cv::Mat rgb_;
  int64_t x0_, y0_;
};

}  // namespace

int32_t OpenSlideImage::level_for(const cv::Rect2d& region, cv::Size out_size) const {
  const double downsample = std::max(1.0, region.width / out_size.width);
  return openslide_get_best_level_for_downsample(osr_, downsample);
}

cv::Mat OpenSlideImage::read_level(int32_t level, int64_t x, int64_t y, int64_t w, int64_t h) const {
  cv::Mat bgra(static_cast<int>(h), static_cast<int>(w), CV_8UC4);
  openslide_read_region(osr_, reinterpret_cast<uint32_t*>(bgra.data), x, y, level, w, h);
  if (const char* error = openslide_get_error(osr_)) {
    throw FormatError(fmt::format("{}: OpenSlide read failed: {}", path_, error));
  }
  return bgra_to_rgb_on_white(bgra);
}

cv::Mat OpenSlideImage::read_region(const cv::Rect2d& region, cv::Size out_size) const {
  const int32_t level = level_for(region, out_size);
  const double level_downsample = openslide_get_level_downsample(osr_, level);
  const int64_t w = std::max<int64_t>(1, std::llround(region.width / level_downsample));
  const int64_t h = std::max<int64_t>(1, std::llround(region.height / level_downsample));
  return resized(read_level(level, static_cast<int64_t>(std::floor(region.x)),
                            static_cast<int64_t>(std::floor(region.y)), w, h),
                 out_size);
}

std::unique_ptr<Image> OpenSlideImage::region_cache(const cv::Rect2d& region) const {
  constexpr double kMaxPixels = 64e6;
  const int64_t x0 = static_cast<int64_t>(std::floor(region.x)), y0 = static_cast<int64_t>(std::floor(region.y));
  const int64_t w = static_cast<int64_t>(std::ceil(region.x + region.width)) - x0 + 1;
  const int64_t h = static_cast<int64_t>(std::ceil(region.y + region.height)) - y0 + 1;
  if (w <= 0 || h <= 0 || static_cast<double>(w) * static_cast<double>(h) > kMaxPixels) return nullptr;
  if (tiles_) return std::make_unique<CachedRegion>(*this, tiles_->read(x0, y0, w, h), x0, y0);
  // in bands read side by side: OpenSlide reads concurrently, and the patch loop it replaces did
  constexpr int64_t kBand = 256;
  const int64_t bands = (h + kBand - 1) / kBand;
  cv::Mat rgb(static_cast<int>(h), static_cast<int>(w), CV_8UC3);
  FirstError error;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t b = 0; b < bands; ++b) {
    error.run([&] {
      const int64_t top = b * kBand, rows = std::min(kBand, h - top);
      read_level(0, x0, y0 + top, w, rows).copyTo(rgb.rowRange(static_cast<int>(top), static_cast<int>(top + rows)));
    });
  }
  error.rethrow();
  return std::make_unique<CachedRegion>(*this, std::move(rgb), x0, y0);
}

}  // namespace stx
