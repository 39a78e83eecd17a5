// Encoders turn the tissue around each spot into a feature vector. One interface for every
// kind (the built-in morphology features, a TorchScript export, the native ViT and Swin), so
// caching, training and prediction do not know which one they hold.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stx/core/progress.hpp"
#include "stx/io/slide/slide.hpp"

namespace stx {

/// The physical patch an encoder sees around each spot centre (HEST's default: 224 px at
/// 0.5 µm/px, i.e. 112 µm).
struct PatchGeometry {
  double size_um = 112.0;
  int size_px = 224;
  double um_per_px() const { return size_um / size_px; }
};

struct EncoderOptions {
  std::string name = "builtin";
  PatchGeometry patch;
  int threads = 0;        // 0 = all cores
  std::string weights;    // torchscript: the exported model (.pt); vit: .safetensors
  std::string config;     // torchscript: JSON sidecar (default: weights with .json)
  int batch_size = 32;
  std::string stain_reference;  // optional H&E image: Macenko-normalise patches to its stains
  bool bf16 = false;            // vit, swin: run in bfloat16 (part of the encoder's identity)
  std::string device = "cpu";   // vit, swin: cpu | cuda | auto
};

class Encoder {
 public:
  virtual ~Encoder() = default;
  /// Identifies the encoder and its weights/version: part of the feature-cache key.
  virtual std::string identity() const = 0;
  /// Preprocessing that changes the features (stain normalisation): part of the cache key.
  virtual std::string preprocessing() const { return ""; }
  virtual std::vector<std::string> feature_names() const = 0;
  int64_t dim() const { return static_cast<int64_t>(feature_names().size()); }

  /// Features of spots [begin, end) of `slide`: (end - begin, dim) row-major. `off_image`
  /// (end - begin) is set to 1 for spots whose patch extends past the image (the outside is
  /// padded white). `progress` is told the running count of the slide's spots done. The
  /// features of a spot do not depend on the range it was encoded in, so a slide can be
  /// encoded in pieces (the feature cache's checkpoints).
  virtual std::vector<float> encode_spots(const Slide& slide, int64_t begin, int64_t end,
                                          std::vector<uint8_t>& off_image, Progress& progress) const = 0;

  /// Every spot of `slide` at once: (N, dim) and `off_image` (N), with its own progress line.
  std::vector<float> encode(const Slide& slide, std::vector<uint8_t>& off_image) const;
};

/// The encoders make_encoder knows (--encoder): builtin, torchscript, vit, swin.
const std::vector<std::string>& encoder_names();

/// One of encoder_names(); ConfigError lists the choices. (Target stx_encoders.)
std::unique_ptr<Encoder> make_encoder(const EncoderOptions& options);

/// The built-in morphology encoder alone (target stx_histology, no LibTorch).
std::unique_ptr<Encoder> make_builtin_encoder(const EncoderOptions& options);

}  // namespace stx
