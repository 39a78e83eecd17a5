#include "patches.hpp"

#include <algorithm>
#include <cmath>

#include "stx/core/error.hpp"
#include "stx/core/first_error.hpp"
#include "stx/core/progress.hpp"
#include "stx/core/hash.hpp"
#include "stx/histology/image/tissue.hpp"

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

std::optional<StainBasis> load_stain_reference(const std::string& path) {
  if (path.empty()) return std::nullopt;
  const auto image = open_image(path);
  // The whole reference, at most ~1,000 px on its long side, is plenty to fit two vectors.
  const double shrink = std::max(1.0, static_cast<double>(std::max(image->width(), image->height())) / 1000.0);
  const cv::Size size(static_cast<int>(static_cast<double>(image->width()) / shrink),
                      static_cast<int>(static_cast<double>(image->height()) / shrink));
  return fit_macenko(image->read_region(
      cv::Rect2d(0, 0, static_cast<double>(image->width()), static_cast<double>(image->height())), size));
}

std::string stain_reference_identity(const std::string& path) {
  return path.empty() ? "" : fmt::format("macenko:{:016x}", fnv1a64_file(path));
}

std::optional<StainNormalizer> make_normalizer(const Slide& slide, const std::optional<StainBasis>& target) {
  if (!target) return std::nullopt;
  const TissueMask tissue = detect_tissue(*slide.image, slide.um_per_px);
  const cv::Mat thumbnail = slide.image->read_region(
      cv::Rect2d(0, 0, tissue.mask.cols * tissue.fullres_per_px, tissue.mask.rows * tissue.fullres_per_px),
      tissue.mask.size());
  cv::Mat tissue_only(thumbnail.size(), CV_8UC3, cv::Scalar(255, 255, 255));
  thumbnail.copyTo(tissue_only, tissue.mask);
  return StainNormalizer{fit_macenko(tissue_only), *target};
}

PatchBlock cut_patches(const Slide& slide, const PatchGeometry& patch, int64_t begin, int64_t end, double scale,
                       int out_px, const std::optional<StainNormalizer>& normalizer) {
  const double half_px = patch.size_um / slide.um_per_px / 2;
  const double width = static_cast<double>(slide.image->width()), height = static_cast<double>(slide.image->height());
  // one read of the block's bounding box where the backend gains by it (whole-slide images)
  double x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (int64_t i = begin; i < end; ++i) {
    x0 = std::min(x0, slide.pixel_x[i]);
    y0 = std::min(y0, slide.pixel_y[i]);
    x1 = std::max(x1, slide.pixel_x[i]);
    y1 = std::max(y1, slide.pixel_y[i]);
  }
  const double reach = scale * half_px + 1;
  const std::unique_ptr<Image> block =
      end > begin ? slide.image->region_cache(cv::Rect2d(x0 - reach, y0 - reach, x1 - x0 + 2 * reach, y1 - y0 + 2 * reach))
                  : nullptr;
  const Image& image = block ? *block : *slide.image;
  PatchBlock out;
  out.images.resize(static_cast<size_t>(end - begin));
  out.off_image.assign(static_cast<size_t>(end - begin), 0);
  FirstError error;
#pragma omp parallel for schedule(dynamic, 8)
  for (int64_t i = begin; i < end; ++i) {
    error.run([&] {
      const double x = slide.pixel_x[i], y = slide.pixel_y[i];
      const size_t k = static_cast<size_t>(i - begin);
      out.off_image[k] = x - half_px < 0 || y - half_px < 0 || x + half_px > width || y + half_px > height;
      out.images[k] = crop_patch_um(image, x, y, scale * patch.size_um, slide.um_per_px, out_px);
      if (normalizer) out.images[k] = normalize_stain(out.images[k], normalizer->source, normalizer->target);
    });
  }
  error.rethrow();
  return out;
}

std::vector<float> encode_in_batches(
    const Slide& slide, const PatchGeometry& patch, int64_t begin, int64_t end, int64_t batch,
    const std::optional<StainNormalizer>& normalizer, std::vector<uint8_t>& off_image, Progress& progress,
    const std::function<std::vector<float>(const std::vector<cv::Mat>&)>& encode_batch) {
  check_encodable(slide, patch);
  off_image.clear();
  std::vector<float> features;
  const int64_t step = std::max<int64_t>(1, batch);
  for (int64_t first = begin; first < end; first += step) {
    const int64_t last = std::min(end, first + step);
    PatchBlock block = cut_patches(slide, patch, first, last, 1.0, patch.size_px, normalizer);
    const auto out = encode_batch(block.images);
    features.insert(features.end(), out.begin(), out.end());
    off_image.insert(off_image.end(), block.off_image.begin(), block.off_image.end());
    progress.update(last);
  }
  return features;
}

}  // namespace stx
