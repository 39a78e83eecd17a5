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
#include "stx/histology/encoder.hpp"

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

  std::vector<float> encode(const Slide& slide, std::vector<uint8_t>& off_image) const override {
    check_encodable(slide, options_.patch);
    if (options_.threads > 0) omp_set_num_threads(options_.threads);
    const int64_t n = slide.n_spots(), dim = 2 * kPatchFeatureCount;
    const PatchGeometry& patch = options_.patch;
    std::vector<float> features(static_cast<size_t>(n * dim));
    off_image.assign(static_cast<size_t>(n), 0);
    std::vector<uint8_t> unused(static_cast<size_t>(n), 0);
    const auto normalizer = make_normalizer(slide, stain_target_);
    // In blocks, so that a whole slide's patches are never held at once.
    constexpr int64_t kBlock = 256;
    Progress progress("encode", n);
    for (int64_t begin = 0; begin < n; begin += kBlock) {
      const int64_t end = std::min(n, begin + kBlock);
      const auto spots = cut_patches(slide, patch, begin, end, 1.0, patch.size_px, off_image, normalizer);
      const auto contexts =
          cut_patches(slide, patch, begin, end, kContextScale, patch.size_px, unused, normalizer);
      FirstError error;
#pragma omp parallel for schedule(dynamic, 8)
      for (int64_t i = begin; i < end; ++i) {
        error.run([&] {
          float* out = &features[static_cast<size_t>(i * dim)];
          patch_features(spots[i - begin], patch.um_per_px(), out);
          patch_features(contexts[i - begin], kContextScale * patch.um_per_px(), out + kPatchFeatureCount);
        });
      }
      error.rethrow();
      progress.update(end);
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
