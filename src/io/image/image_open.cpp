// open_image() picks the backend; crop_patch_um() turns a physical patch size into pixels.
#include <openslide.h>

#include <cmath>
#include <filesystem>

#include "image_backends.hpp"
#include "stx/core/error.hpp"

namespace stx {

std::shared_ptr<const Image> open_image(const std::string& path, double image_px_per_fullres_px,
                                        int64_t max_pixels) {
  STX_CHECK(std::filesystem::is_regular_file(path), IoError, "{}: image file not found", path);
  const cv::Size header_size = probe_image_size(path);
  // JPEG/PNG go to OpenCV; everything else (SVS, NDPI, pyramidal TIFF...) to OpenSlide when
  // it recognises the file, else OpenCV (plain TIFF).
  if (!known_size(header_size) && image_px_per_fullres_px == 1.0 &&
      openslide_detect_vendor(path.c_str()) != nullptr) {
    return std::make_shared<OpenSlideImage>(path);
  }
  return std::make_shared<RasterImage>(path, image_px_per_fullres_px, max_pixels);
}

cv::Mat crop_patch_um(const Image& image, double x, double y, double size_um, double um_per_px,
                      int out_px) {
  STX_CHECK(std::isfinite(um_per_px) && um_per_px > 0, ConfigError,
            "{}: cannot crop {} µm patches: the slide's µm per pixel is unknown "
            "(pass --um-per-px)",
            image.path(), size_um);
  STX_CHECK(size_um > 0 && out_px > 0, ConfigError,
            "patch size must be positive, found {} µm -> {} px", size_um, out_px);
  const double side_px = size_um / um_per_px;
  const cv::Rect2d region(x - side_px / 2, y - side_px / 2, side_px, side_px);
  return image.read_region(region, cv::Size(out_px, out_px));
}

}  // namespace stx
