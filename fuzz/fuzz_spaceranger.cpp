// A Space Ranger output folder's spatial/ files: the bytes before the first NUL as
// tissue_positions.csv (barcode, in_tissue, array_row, array_col, pxl_row, pxl_col), the bytes
// after it as scalefactors_json.json, beside a fixed three-spot filtered_feature_bc_matrix/;
// read and validated by read_slide.
#include <cstdint>
#include <filesystem>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "stx/io/readers/read_slide.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const std::string d = stx::fuzz::input_file(nullptr, 0, "spaceranger") + ".d";
    std::filesystem::create_directories(d + "/filtered_feature_bc_matrix");
    std::filesystem::create_directories(d + "/spatial");
    const std::string m = d + "/filtered_feature_bc_matrix/";
    stx::fuzz::write_file(m + "features.tsv", "G1\tA\tGene Expression\nG2\tB\tGene Expression\n");
    stx::fuzz::write_file(m + "barcodes.tsv", "AAA-1\nCCC-1\nGGG-1\n");
    stx::fuzz::write_file(m + "matrix.mtx", "%%MatrixMarket matrix coordinate integer general\n2 3 3\n1 1 4\n2 2 7\n1 3 1\n");
    return d;
  }();
  const auto [positions, scalefactors] = stx::fuzz::split_input(data, size);
  stx::fuzz::write_file(dir + "/spatial/tissue_positions.csv", positions);
  stx::fuzz::write_file(dir + "/spatial/scalefactors_json.json", scalefactors);
  stx::ReadOptions options;
  options.input = dir;
  options.format = stx::InputFormat::kSpaceRanger;
  try {
    stx::read_slide(options);
  } catch (const stx::Error&) {
  }
  return 0;
}
