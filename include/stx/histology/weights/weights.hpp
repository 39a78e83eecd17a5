// Reading published model weights without Python: the safetensors format (an 8-byte
// little-endian header length, a JSON header mapping names to dtype, shape and byte offsets,
// then the raw little-endian data), and PyTorch's .pth/.bin checkpoints (the zip archive
// torch.save writes, its pickle read by a reader that executes nothing). Values are converted
// to float32. Loading is strict: check_state_dict lists every missing, unexpected or
// mis-shaped tensor in one error.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stx {

struct WeightTensor {
  std::string dtype;           // as stored: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL
  std::vector<int64_t> shape;
  std::vector<float> values;   // converted to float32, row-major
};

using StateDict = std::map<std::string, WeightTensor>;

/// FormatError naming the file (and tensor) for a truncated file, a malformed header,
/// offsets outside the data, a size that disagrees with the shape, or an unsupported dtype.
StateDict read_safetensors(const std::string& path);

/// A torch.save archive (.pth, .bin): the state dict itself, or the one under a training
/// checkpoint's "state_dict", "model", "model_state_dict" or "teacher" key. FormatError for a
/// legacy (pre-1.6) or damaged file, and for any pickled object other than tensors and dicts.
/// (Target stx_histology_torch: it uses LibTorch's zip reader.)
StateDict read_torch_checkpoint(const std::string& path);

/// read_torch_checkpoint or read_safetensors, chosen by the file's first bytes.
StateDict read_weights(const std::string& path);

/// Throws FormatError listing all differences between `weights` and the `expected` shapes
/// (missing, unexpected, wrong shape), or returns normally when they match exactly.
void check_state_dict(const StateDict& weights,
                      const std::map<std::string, std::vector<int64_t>>& expected,
                      const std::string& source);

}  // namespace stx
