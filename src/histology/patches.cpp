#include "patches.hpp"

#include <cmath>

#include "stx/core/error.hpp"

namespace stx {

void check_encodable(const Slide& slide, const PatchGeometry& patch) {
  STX_CHECK(slide.image != nullptr, IoError, "{}: encoding needs an H&E image; pass --image",
            slide.source_path);
  STX_CHECK(slide.has_coordinates(), FormatError, "{}: spots have no coordinates to cut patches at",
            slide.source_path);
  STX_CHECK(std::isfinite(slide.um_per_px), FormatError,
            "{}: µm per pixel unknown, cannot cut {} µm patches; pass --um-per-px",
            slide.source_path, patch.size_um);
}

std::vector<cv::Mat> cut_patches(const Slide& slide, const PatchGeometry& patch, int64_t begin,
                                 int64_t end, double scale, int out_px,
                                 std::vector<uint8_t>& off_image) {
  const Image& image = *slide.image;
  const double half_px = patch.size_um / slide.um_per_px / 2;
  const double width = static_cast<double>(image.width()), height = static_cast<double>(image.height());
  std::vector<cv::Mat> patches(static_cast<size_t>(end - begin));
#pragma omp parallel for schedule(dynamic, 8)
  for (int64_t i = begin; i < end; ++i) {
    const double x = slide.pixel_x[i], y = slide.pixel_y[i];
    off_image[i] = x - half_px < 0 || y - half_px < 0 || x + half_px > width || y + half_px > height;
    patches[i - begin] = crop_patch_um(image, x, y, scale * patch.size_um, slide.um_per_px, out_px);
  }
  return patches;
}

}  // namespace stx
