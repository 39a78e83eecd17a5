// Image files as the slide readers open them (PNG, JPEG, TIFF headers probed, then decoded
// whole through libpng, libjpeg-turbo, libtiff): one crop of the decoded image.
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "stx/io/image/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto image = stx::open_image(stx::fuzz::input_file(data, size, "image"), 1.0, int64_t{1} << 22);
    image->read_region(cv::Rect2d(0, 0, 16, 16), cv::Size(8, 8));
  } catch (const stx::Error&) {
  }
  return 0;
}
