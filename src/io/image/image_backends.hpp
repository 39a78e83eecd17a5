// The two Image implementations, hidden behind open_image().
#pragma once

#include <exception>
#include <mutex>

#include "stx/io/image/image.hpp"

typedef struct _openslide openslide_t;

namespace stx {

class TiffTiles;

/// Whether a probed size is known: both sides positive (cv::Size::area() overflows int on a
/// hostile header, and a negative pair would look positive).
inline bool known_size(const cv::Size& size) { return size.width > 0 && size.height > 0; }

/// Width and height from a PNG/JPEG header without decoding pixels; {0, 0} if unknown.
cv::Size probe_image_size(const std::string& path);

/// JPEG/PNG/TIFF via OpenCV: size from the header, pixels decoded once on first read.
class RasterImage final : public Image {
 public:
  RasterImage(std::string path, double image_px_per_fullres_px, int64_t max_pixels);
  int64_t width() const override { return width_; }
  int64_t height() const override { return height_; }
  const std::string& path() const override { return path_; }
  std::string backend() const override { return "raster"; }
  double um_per_px() const override;
  cv::Mat read_region(const cv::Rect2d& region, cv::Size out_size) const override;

 private:
  const cv::Mat& pixels() const;  // RGB, decoded on first call
  cv::Mat decode() const;

  std::string path_;
  double scale_;  // image pixels per full-resolution pixel
  int64_t max_pixels_;  // the most a decoder may allocate, checked again at decode time
  int64_t width_ = 0, height_ = 0;
  mutable std::once_flag decoded_;
  mutable cv::Mat rgb_;
  mutable std::exception_ptr failure_;  // a failed decode, thrown again without decoding again
};

/// Any format OpenSlide reads: regions come from the pyramid level closest to the request.
class OpenSlideImage final : public Image {
 public:
  explicit OpenSlideImage(std::string path);
  ~OpenSlideImage() override;
  int64_t width() const override { return width_; }
  int64_t height() const override { return height_; }
  const std::string& path() const override { return path_; }
  std::string backend() const override { return "openslide"; }
  double um_per_px() const override { return um_per_px_; }
  cv::Mat read_region(const cv::Rect2d& region, cv::Size out_size) const override;
  /// Level 0 of `region` read once (up to 64 Mpx): OpenSlide composes every read through
  /// cairo/pixman, 47 % of a whole-slide predict's time, and the builtin encoder's 3x context
  /// patches read each pixel about 11 times over. A tiled TIFF whose level 0 libtiff decodes
  /// (generic TIFF, Aperio SVS in JPEG) is read from its tiles directly, without cairo.
  std::unique_ptr<Image> region_cache(const cv::Rect2d& region) const override;

  /// The pixels of `level` from level-0 position (x, y), w x h of that level, as RGB with
  /// off-slide pixels white.
  cv::Mat read_level(int32_t level, int64_t x, int64_t y, int64_t w, int64_t h) const;
  /// The level read_region uses for `region` shrunk to `out_size`.
  int32_t level_for(const cv::Rect2d& region, cv::Size out_size) const;

 private:
  void check_levels();  // closes the slide and throws when a level's size is impossible

  std::string path_;
  openslide_t* osr_ = nullptr;
  std::unique_ptr<TiffTiles> tiles_;  // level 0 straight from libtiff, where it can
  int64_t width_ = 0, height_ = 0;
  double um_per_px_;
};

}  // namespace stx
