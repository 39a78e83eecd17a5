#include "native_encoder.hpp"

#include <filesystem>
#include <optional>

#include "../encoders/patches.hpp"
#include "stx/core/error.hpp"
#include "stx/core/hash.hpp"

namespace stx {
namespace {

class NativeEncoder final : public Encoder {
 public:
  NativeEncoder(const EncoderOptions& options, const std::string& architecture, const std::string& prefix,
                int64_t dim, PatchModel model)
      : options_(options),
        identity_(architecture + "-" + fmt::format("{:016x}", fnv1a64_file(options.weights)).substr(0, 12)),
        model_(std::move(model)),
        stain_target_(load_stain_reference(options.stain_reference)) {
    for (int64_t d = 0; d < dim; ++d) names_.push_back(fmt::format("{}_{}", prefix, d));
  }
  std::string identity() const override { return identity_; }
  std::string preprocessing() const override { return stain_reference_identity(options_.stain_reference); }
  std::vector<std::string> feature_names() const override { return names_; }
  std::vector<float> encode_spots(const Slide& slide, int64_t begin, int64_t end, std::vector<uint8_t>& off_image,
                                  Progress& progress) const override {
    const auto normalizer = make_normalizer(slide, stain_target_);
    return encode_in_batches(slide, options_.patch, begin, end, options_.batch_size, normalizer, off_image, progress,
                             model_);
  }

 private:
  EncoderOptions options_;
  std::string identity_;
  std::vector<std::string> names_;
  PatchModel model_;
  std::optional<StainBasis> stain_target_;
};

}  // namespace

std::unique_ptr<Encoder> make_native_encoder(const EncoderOptions& options, const std::string& architecture,
                                             const std::string& feature_prefix, int64_t dim, PatchModel model) {
  return std::make_unique<NativeEncoder>(options, architecture, feature_prefix, dim, std::move(model));
}

const std::string& checked_weights_path(const EncoderOptions& options, const std::string& encoder) {
  STX_CHECK(!options.weights.empty(), ConfigError,
            "--encoder {} needs --weights MODEL (.safetensors, .pth or .bin)", encoder);
  STX_CHECK(std::filesystem::is_regular_file(options.weights), IoError, "{}: weights file not found",
            options.weights);
  return options.weights;
}

}  // namespace stx
