// The TorchScript encoder: any image model a user exported from Python with torch.jit.trace
// or torch.jit.script (Phikon, UNI, CTransPath... as exported), described by a JSON sidecar:
//   {"name": "phikon", "input_size": 224, "mean": [r, g, b], "std": [r, g, b],
//    "output": "vector" | "cls" | "mean"}
// "vector": the model returns (B, D); "cls": it returns tokens (B, T, D) and token 0 is used;
// "mean": tokens averaged over T. A tuple output uses its first element. Patches are cut at the
// encoder's patch geometry and resized to input_size if they differ. Torch stays behind a
// pimpl: this header does not include it.
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"

namespace stx {

class TorchScriptEncoder final : public Encoder {
 public:
  /// Loads options.weights and its sidecar (options.config, or weights with .json).
  /// FormatError if the file is not TorchScript or the sidecar is malformed.
  explicit TorchScriptEncoder(const EncoderOptions& options);
  ~TorchScriptEncoder() override;

  std::string identity() const override;
  std::string preprocessing() const override;
  std::vector<std::string> feature_names() const override;
  std::vector<float> encode_spots(const Slide& slide, int64_t begin, int64_t end, std::vector<uint8_t>& off_image,
                                  Progress& progress) const override;

  /// Features of ready-cut 8-bit RGB patches: (B, dim) row-major.
  std::vector<float> encode_patches(const std::vector<cv::Mat>& patches) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stx
