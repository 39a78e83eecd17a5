// The restricted unpickler of .pth archives' data.pkl: any bytes, never a crash, a hang or a
// non-stx exception.
#include <cstdint>
#include <string>

#include "stx/core/error.hpp"
#include "weights/torch_pickle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    stx::read_torch_pickle(std::string(reinterpret_cast<const char*>(data), size), "fuzz.pkl");
  } catch (const stx::Error&) {
  }
  return 0;
}
