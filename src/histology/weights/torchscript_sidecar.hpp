// The JSON sidecar of a TorchScript encoder (MODEL.json beside MODEL.pt, or --encoder-config):
// how to normalise patches and what the module returns. Torch-free, so the fuzz target can
// reach it without LibTorch.
#pragma once

#include <array>
#include <string>

namespace stx {

struct TorchScriptSidecar {
  std::string name;            // feature-name prefix and part of the cache key
  int input_size = 224;        // patch side in px, 16..4096
  std::string output;          // "vector" (B, D), "cls" or "mean" over tokens (B, T, D)
  std::array<float, 3> mean{}; // per-channel normalisation, RGB in [0, 1] units
  std::array<float, 3> std{};  // positive
};

/// ConfigError when the file is missing; FormatError naming the file and the field for
/// malformed JSON, a missing field, a field of the wrong type or a value out of range.
TorchScriptSidecar read_torchscript_sidecar(const std::string& path);

}  // namespace stx
