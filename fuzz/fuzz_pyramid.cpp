// Whole-slide pyramids through OpenSlide and libtiff, with the tags as the mutation surface
// (#32): a byte-level fuzzer rarely hits a TIFF's directory, so the input here is a list of
// edits, 5 bytes each (which single-value SHORT or LONG entry, and its new value), applied to a
// real two-level JPEG pyramid (tests/fixtures/pyramid_jpeg.tif: sizes, tile sizes, offsets,
// byte counts, compression, photometric...). The lying pyramid is then opened and read at
// level 0, at level 1 and through the block cache.
#include <cstdint>
#include <fstream>
#include <iterator>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "stx/io/image/image.hpp"
#include "tiff_tag_patch.hpp"

namespace {

const std::string& pyramid() {
  static const std::string bytes = [] {
    std::ifstream in(STX_FUZZ_PYRAMID, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes = pyramid();
  const auto slots = stx::test::tiff_tag_slots(bytes);
  if (slots.empty()) return 0;
  for (size_t at = 0; at + 5 <= size; at += 5) {
    const uint32_t value = uint32_t{data[at + 1]} | uint32_t{data[at + 2]} << 8 | uint32_t{data[at + 3]} << 16 |
                           uint32_t{data[at + 4]} << 24;
    stx::test::set_tag(bytes, slots[data[at] % slots.size()], value);
  }
  const std::string path = stx::fuzz::input_file(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "pyramid.tif");
  try {
    const auto image = stx::open_image(path, 1.0, int64_t{1} << 22);
    image->read_region(cv::Rect2d(0, 0, 64, 64), cv::Size(64, 64));          // level 0
    image->read_region(cv::Rect2d(0, 0, 400, 300), cv::Size(100, 75));       // level 1
    if (const auto block = image->region_cache(cv::Rect2d(100, 50, 200, 150)))  // libtiff's own tile reads
      block->read_region(cv::Rect2d(120, 60, 32, 32), cv::Size(32, 32));
  } catch (const stx::Error&) {
  }
  return 0;
}
