// PyTorch .pth/.bin archives as the weight loader reads them: libzip's directory check
// (entry sizes before anything is inflated), LibTorch's zip reader, the restricted unpickler
// and the tensor records.
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/weights/weights.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    stx::read_torch_checkpoint(stx::fuzz::input_file(data, size, "w.pth"));
  } catch (const stx::Error&) {
  }
  return 0;
}
