// The image handle of a Slide: a read-only view of an H&E image in the slide's full-resolution
// pixel space, which can crop a region at any µm/px without decoding a whole gigapixel slide.
// Whole-slide formats go through OpenSlide (region + pyramid level); JPEG/PNG/plain TIFF
// through OpenCV, decoded on first pixel access (their size is read from the header).
// A downscaled image (Space Ranger's hires PNG) is opened with its scale factor, so callers
// always speak full-resolution coordinates. Pixels come back as 8-bit RGB (not OpenCV's BGR).
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace stx {

class Image {
 public:
  virtual ~Image() = default;

  /// Size of the slide's full-resolution pixel space that this image covers.
  virtual int64_t width() const = 0;
  virtual int64_t height() const = 0;
  /// The file it was opened from.
  virtual const std::string& path() const = 0;
  /// "openslide" or "raster".
  virtual std::string backend() const = 0;
  /// µm per full-resolution pixel when the file records it (OpenSlide's mpp), else NaN.
  virtual double um_per_px() const = 0;

  /// Reads the full-resolution rectangle `region` (may extend past the edges; that area is
  /// white) resampled to `out_size` pixels, area-averaged when shrinking. 8-bit RGB.
  virtual cv::Mat read_region(const cv::Rect2d& region, cv::Size out_size) const = 0;

  /// For many reads inside `region` (a block of neighbouring patches): an image that serves
  /// them from one read of it, with the same pixels as this image's own reads; null when the
  /// backend gains nothing (decoded whole already) or the region is too large to hold.
  virtual std::unique_ptr<Image> region_cache(const cv::Rect2d& /*region*/) const { return nullptr; }
};

/// Images that are decoded whole (JPEG, PNG, plain TIFF) are refused above this many pixels,
/// read from the header before decoding (a decompression bomb, or a slide that belongs in a
/// pyramidal format). 2^30 is also OpenCV's own decoding limit. Whole-slide formats read
/// through OpenSlide only decode the regions asked for and have no limit.
inline constexpr int64_t kDefaultMaxImagePixels = int64_t{1} << 30;

/// Opens `path`. `image_px_per_fullres_px` < 1 for a downscaled image (e.g. Space Ranger's
/// tissue_hires_scalef). Throws IoError if missing, FormatError if not a readable image or
/// above `max_pixels`.
std::shared_ptr<const Image> open_image(const std::string& path,
                                        double image_px_per_fullres_px = 1.0,
                                        int64_t max_pixels = kDefaultMaxImagePixels);

/// A square patch of `size_um` µm centred on full-resolution point (x, y), resampled to
/// `out_px` × `out_px`. `um_per_px` is the slide's full-resolution scale.
cv::Mat crop_patch_um(const Image& image, double x, double y, double size_um, double um_per_px,
                      int out_px);

}  // namespace stx
