// The Encoder face of the native image models (ViT, Swin): patches cut at the encoder's
// geometry (optionally Macenko-normalised), encoded in batches by the model; the identity joins
// the architecture with a hash of the weights file, so the feature cache tells models apart.
#pragma once

#include <opencv2/core.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"

namespace stx {

using PatchModel = std::function<std::vector<float>(const std::vector<cv::Mat>&)>;

/// `architecture` e.g. "vit-d768-p16"; features are named `feature_prefix`_0 .. _{dim-1}.
std::unique_ptr<Encoder> make_native_encoder(const EncoderOptions& options, const std::string& architecture,
                                             const std::string& feature_prefix, int64_t dim, PatchModel model);

/// options.weights, after checking it is given and exists (ConfigError / IoError naming --encoder).
const std::string& checked_weights_path(const EncoderOptions& options, const std::string& encoder);

}  // namespace stx
