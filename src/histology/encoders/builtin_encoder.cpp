// The built-in encoder: 30 morphology features of the spot's patch plus the same 30 of a
// context region three times wider (the tissue around the spot), 60 in all. Needs no
// weights, is deterministic, and runs in parallel over spots (OpenMP).
#include <omp.h>

#include <algorithm>
#include <cmath>

#include "patch_features.hpp"
#include "patches.hpp"
#include "stx/core/first_error.hpp"
#include "stx/core/progress.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/encoders/encoder.hpp"

namespace stx {
namespace {

constexpr double kContextScale = 3.0;

class BuiltinEncoder final : public Encoder {
 public:
  explicit BuiltinEncoder(const EncoderOptions& options)
      : options_(options), stain_target_(load_stain_reference(options.stain_reference)) {}

  std::string identity() const override { return "builtin-v1"; }
  std::string preprocessing() const override { return stain_reference_identity(options_.stain_reference); }

  std::vector<std::string> feature_names() const override {
    std::vector<std::string> names = patch_feature_names("spot_");
    for (auto& name : patch_feature_names("context_")) names.push_back(name);
    return names;
  }

  std::vector<float> encode_spots(const Slide& slide, int64_t begin, int64_t end, std::vector<uint8_t>& off_image,
                                  Progress& progress) const override {
    check_encodable(slide, options_.patch);
    if (options_.threads > 0) omp_set_num_threads(options_.threads);
    const int64_t dim = 2 * kPatchFeatureCount;
    const PatchGeometry& patch = options_.patch;
    std::vector<float> features(static_cast<size_t>((end - begin) * dim));
    off_image.clear();
    const auto normalizer = make_normalizer(slide, stain_target_);
    // In blocks, so that a whole slide's patches are never held at once.
    constexpr int64_t kBlock = 256;
    for (int64_t first = begin; first < end; first += kBlock) {
      const int64_t last = std::min(end, first + kBlock);
      const PatchBlock spots = cut_patches(slide, patch, first, last, 1.0, patch.size_px, normalizer);
      const PatchBlock contexts = cut_patches(slide, patch, first, last, kContextScale, patch.size_px, normalizer);
      off_image.insert(off_image.end(), spots.off_image.begin(), spots.off_image.end());
      FirstError error;
#pragma omp parallel for schedule(dynamic, 8)
      for (int64_t i = first; i < last; ++i) {
        error.run([&] {
          float* out = &features[static_cast<size_t>((i - begin) * dim)];
          patch_features(spots.images[static_cast<size_t>(i - first)], patch.um_per_px(), out);
          patch_features(contexts.images[static_cast<size_t>(i - first)], kContextScale * patch.um_per_px(),
                         out + kPatchFeatureCount);
        });
      }
      error.rethrow();
      progress.update(last);
    }
    return features;
  }

 private:
  EncoderOptions options_;
  std::optional<StainBasis> stain_target_;
};

}  // namespace

std::unique_ptr<Encoder> make_builtin_encoder(const EncoderOptions& options) {
  return std::make_unique<BuiltinEncoder>(options);
}

}  // namespace stx
