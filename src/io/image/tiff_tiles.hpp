// Level 0 of a tiled TIFF decoded straight from its tiles with libtiff, for whole-slide block
// reads. OpenSlide composes every read through cairo/pixman: on a 40,000 px synthetic slide
// that compositing was 34 % of a predict's time, against 14 % for decoding the JPEG tiles.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace stx {

/// Refuses a TIFF whose directories declare what no reader should allocate (FormatError naming
/// the file, the directory and the tag): a zero size, a tile that is not a multiple of 16 px
/// (TIFF 6.0's rule; libtiff only warns, and OpenSlide then reads garbled pixels) or larger than
/// 8192 px a side (OpenSlide's allocator aborts on 65520 px tiles). Files libtiff cannot open
/// are left to the caller's reader.
void check_tiff_directories(const std::string& path);

class TiffTiles {
 public:
  /// A reader of directory 0 of `path` when it is `width` x `height`, tiled, 8-bit RGB in one
  /// plane (JPEG tiles in YCbCr included) and compressed with a codec libtiff has; else null.
  static std::unique_ptr<TiffTiles> open(const std::string& path, int64_t width, int64_t height);

  /// The RGB pixels of level-0 rectangle (x, y, w, h); those outside the image are white.
  /// Tiles are decoded side by side (OpenMP), each thread with its own libtiff handle.
  cv::Mat read(int64_t x, int64_t y, int64_t w, int64_t h) const;

 private:
  TiffTiles(std::string path, int64_t width, int64_t height, int64_t tile_w, int64_t tile_h, bool ycbcr_jpeg)
      : path_(std::move(path)), width_(width), height_(height), tile_w_(tile_w), tile_h_(tile_h),
        ycbcr_jpeg_(ycbcr_jpeg) {}

  std::string path_;
  int64_t width_, height_, tile_w_, tile_h_;
  bool ycbcr_jpeg_;  // decoded to RGB by libjpeg (JPEGCOLORMODE_RGB), as OpenSlide does
};

}  // namespace stx
