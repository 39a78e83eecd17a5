// Element types of stored weights (safetensors' names: F32, F16, BF16, F64, I64, I32, I16, I8,
// U8, BOOL; torch storages map onto them) and their conversion to float32, little-endian.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace stx {

/// Bytes per element, or 0 for a type that is not supported.
size_t dtype_size(const std::string& dtype);

/// `count` elements of `dtype` at `bytes` as float32 (integers exactly up to 2^24).
std::vector<float> convert_to_float(const std::string& dtype, const char* bytes, size_t count);

}  // namespace stx
