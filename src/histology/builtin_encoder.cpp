// The built-in encoder: 30 morphology features of the spot's patch plus the same 30 of a
// context region three times wider (the tissue around the spot), 60 in all. Needs no
// weights, is deterministic, and runs in parallel over spots (OpenMP).
#include <omp.h>

#include <cmath>

#include "patch_features.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/encoder.hpp"

namespace stx {
namespace {

constexpr double kContextScale = 3.0;

class BuiltinEncoder final : public Encoder {
 public:
  explicit BuiltinEncoder(const EncoderOptions& options) : options_(options) {}

  std::string identity() const override { return "builtin-v1"; }

  std::vector<std::string> feature_names() const override {
    std::vector<std::string> names = patch_feature_names("spot_");
    for (auto& name : patch_feature_names("context_")) names.push_back(name);
    return names;
  }

  std::vector<float> encode(const Slide& slide, std::vector<uint8_t>& off_image) const override {
    STX_CHECK(slide.image != nullptr, IoError, "{}: the built-in encoder needs an H&E image; pass --image",
              slide.source_path);
    STX_CHECK(slide.has_coordinates(), FormatError, "{}: spots have no coordinates to cut patches at",
              slide.source_path);
    STX_CHECK(std::isfinite(slide.um_per_px), FormatError,
              "{}: µm per pixel unknown, cannot cut {} µm patches; pass --um-per-px",
              slide.source_path, options_.patch.size_um);
    if (options_.threads > 0) omp_set_num_threads(options_.threads);
    const Image& image = *slide.image;
    const int64_t n = slide.n_spots(), dim = 2 * kPatchFeatureCount;
    const PatchGeometry& patch = options_.patch;
    std::vector<float> features(static_cast<size_t>(n * dim));
    off_image.assign(static_cast<size_t>(n), 0);
    const double half_px = patch.size_um / slide.um_per_px / 2;
    const double width = static_cast<double>(image.width()), height = static_cast<double>(image.height());
#pragma omp parallel for schedule(dynamic, 8)
    for (int64_t i = 0; i < n; ++i) {
      const double x = slide.pixel_x[i], y = slide.pixel_y[i];
      off_image[i] = x - half_px < 0 || y - half_px < 0 || x + half_px > width || y + half_px > height;
      const cv::Mat spot = crop_patch_um(image, x, y, patch.size_um, slide.um_per_px, patch.size_px);
      patch_features(spot, patch.um_per_px(), &features[static_cast<size_t>(i * dim)]);
      const cv::Mat context = crop_patch_um(image, x, y, kContextScale * patch.size_um,
                                            slide.um_per_px, patch.size_px);
      patch_features(context, kContextScale * patch.um_per_px(),
                     &features[static_cast<size_t>(i * dim + kPatchFeatureCount)]);
    }
    return features;
  }

 private:
  EncoderOptions options_;
};

}  // namespace

std::unique_ptr<Encoder> make_encoder(const EncoderOptions& options) {
  STX_CHECK(options.patch.size_um > 0 && options.patch.size_px >= 16, ConfigError,
            "patch must be > 0 µm and >= 16 px, found {} µm, {} px", options.patch.size_um,
            options.patch.size_px);
  if (options.name == "builtin") return std::make_unique<BuiltinEncoder>(options);
  throw ConfigError(fmt::format("--encoder: unknown encoder '{}' (choose builtin)", options.name));
}

}  // namespace stx
