// The part of Python's pickle format that `torch.save` writes for state dicts and training
// checkpoints (data.pkl inside the zip archive), read without executing anything. Python's own
// unpickler calls whatever global the file names; this reader knows a fixed list (OrderedDict,
// torch's tensor and parameter rebuilders, the storage types) and refuses every other one, so a
// malicious checkpoint cannot run code. Tensors come back as references into the archive's
// storages (data/<key>); torch_checkpoint.cpp reads those. Torch-free.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace stx {

struct PickledTensor {
  std::string storage_key;     // record data/<key> in the archive
  std::string dtype;           // F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL
  int64_t storage_numel = 0;   // elements in that storage
  int64_t offset = 0;          // in elements
  std::vector<int64_t> shape, stride;
};

struct PickleObject;
using PickleRef = std::shared_ptr<PickleObject>;

struct PickleObject {
  enum class Kind { None, Bool, Int, Float, String, Bytes, Tuple, List, Dict, Global, Storage, Tensor };
  Kind kind = Kind::None;
  int64_t integer = 0;        // Int, Bool
  double real = 0;            // Float
  std::string text;           // String, Bytes; Global: "module.name"
  std::vector<PickleRef> items;  // Tuple, List; Dict: key0, value0, key1, value1, ...
  PickledTensor tensor;       // Tensor; Storage (storage_key, dtype, storage_numel only)
  int depth = 0;              // containers: 1 + the deepest item when it was added

  PickleObject() = default;
  PickleObject(const PickleObject&) = delete;
  PickleObject& operator=(const PickleObject&) = delete;
  /// Frees nested items iteratively: a hostile chain 10^6 deep must not overflow the stack.
  ~PickleObject();
};

/// Deeper nesting is refused: torch.save's state dicts nest a few levels. (Items can still be
/// added to a container after it was nested, which this bound does not follow; freeing is
/// iterative and no reader of the result recurses, so depth is a sanity bound, not a guard.)
/// A container that would contain itself (memo tricks) is refused: a cycle of shared
/// pointers is never freed.
inline constexpr int kMaxPickleDepth = 100;

/// Parses `bytes` (a data.pkl); `source` names the file in errors. FormatError for a truncated
/// or malformed stream, an opcode outside the subset, or a global that is not allowed.
PickleRef read_torch_pickle(const std::string& bytes, const std::string& source);

}  // namespace stx
