// The legacy ST reader (HER2ST's layout): the bytes before the first NUL as the counts table
// (spot id "XxY", then one column per gene), the bytes after it as the spot selection table
// (x, y, new_x, new_y, pixel_x, pixel_y, selected), read and validated by read_slide.
#include <cstdint>
#include <filesystem>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "stx/io/readers/read_slide.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const std::string d = stx::fuzz::input_file(nullptr, 0, "legacy_st") + ".d";
    std::filesystem::create_directories(d + "/counts");
    return d;
  }();
  const auto [counts, spots] = stx::fuzz::split_input(data, size);
  stx::fuzz::write_file(dir + "/counts/S1.tsv", counts);
  stx::fuzz::write_file(dir + "/S1_selection.tsv", spots);
  stx::ReadOptions options;
  options.input = dir + "/counts/S1.tsv";
  options.spots_path = dir + "/S1_selection.tsv";
  options.format = stx::InputFormat::kLegacySt;
  try {
    stx::read_slide(options);
  } catch (const stx::Error&) {
  }
  return 0;
}
