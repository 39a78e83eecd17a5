// make_encoder: the one place that knows every encoder, above both the torch-free histology
// library and the LibTorch encoders.
#include "stx/core/error.hpp"
#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/torch/swin.hpp"
#include "stx/histology/torch/torchscript_encoder.hpp"
#include "stx/histology/torch/vit.hpp"

namespace stx {

const std::vector<std::string>& encoder_names() {
  static const std::vector<std::string> names = {"builtin", "torchscript", "vit", "swin"};
  return names;
}

std::unique_ptr<Encoder> make_encoder(const EncoderOptions& options) {
  STX_CHECK(options.patch.size_um > 0 && options.patch.size_px >= 16, ConfigError,
            "patch must be > 0 µm and >= 16 px, found {} µm, {} px", options.patch.size_um,
            options.patch.size_px);
  if (options.name == "builtin") {
    STX_CHECK(options.weights.empty(), ConfigError, "--weights {}: the builtin encoder takes no weights",
              options.weights);
    return make_builtin_encoder(options);
  }
  if (options.name == "torchscript") return std::make_unique<TorchScriptEncoder>(options);
  if (options.name == "vit") return make_vit_encoder(options);
  if (options.name == "swin") return make_swin_encoder(options);
  throw ConfigError(fmt::format("--encoder: unknown encoder '{}' (choose {})", options.name,
                                fmt::join(encoder_names(), ", ")));
}

}  // namespace stx
