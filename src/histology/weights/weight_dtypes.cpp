#include "weight_dtypes.hpp"

#include <cstdint>
#include <cstring>

namespace stx {
namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      uint32_t m = mantissa;
      do ++e, m <<= 1; while ((m & 0x400) == 0);
      bits = sign | ((127 - 15 - e) << 23) | ((m & 0x3ff) << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T>
void convert_plain(const char* bytes, size_t count, std::vector<float>& out) {
  for (size_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, bytes + sizeof(T) * i, sizeof(T));
    out[i] = static_cast<float>(v);
  }
}

}  // namespace

size_t dtype_size(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64") return 8;
  if (dtype == "F32" || dtype == "I32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL") return 1;
  return 0;
}

std::vector<float> convert_to_float(const std::string& dtype, const char* bytes, size_t count) {
  std::vector<float> out(count);
  if (count == 0) return out;  // memcpy from or to a null pointer is undefined even for 0 bytes
  if (dtype == "F32") {
    std::memcpy(out.data(), bytes, 4 * count);
  } else if (dtype == "F64") {
    convert_plain<double>(bytes, count, out);
  } else if (dtype == "I64") {
    convert_plain<int64_t>(bytes, count, out);
  } else if (dtype == "I32") {
    convert_plain<int32_t>(bytes, count, out);
  } else if (dtype == "I16") {
    convert_plain<int16_t>(bytes, count, out);
  } else if (dtype == "I8") {
    convert_plain<int8_t>(bytes, count, out);
  } else if (dtype == "U8" || dtype == "BOOL") {
    convert_plain<uint8_t>(bytes, count, out);
  } else {
    for (size_t i = 0; i < count; ++i) {
      uint16_t h;
      std::memcpy(&h, bytes + 2 * i, 2);
      if (dtype == "F16") {
        out[i] = half_to_float(h);
      } else {  // BF16: the top half of a float32
        const uint32_t bits = static_cast<uint32_t>(h) << 16;
        std::memcpy(&out[i], &bits, 4);
      }
    }
  }
  return out;
}

}  // namespace stx
