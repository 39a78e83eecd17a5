// The safetensors reader (8-byte header length, JSON header, tensor bytes).
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/weights/weights.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    stx::read_safetensors(stx::fuzz::input_file(data, size, "w.safetensors"));
  } catch (const stx::Error&) {
  }
  return 0;
}
