// The JSON sidecar of a TorchScript encoder (name, input_size, output, mean, std).
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "weights/torchscript_sidecar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    stx::read_torchscript_sidecar(stx::fuzz::input_file(data, size, "encoder.json"));
  } catch (const stx::Error&) {
  }
  return 0;
}
