// The MatrixMarket reader of Space Ranger's filtered_feature_bc_matrix/ folder: the fuzzer's
// bytes as matrix.mtx beside a fixed three-gene features.tsv and three-barcode barcodes.tsv.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "readers/tenx_matrix.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const std::string d = std::filesystem::path(stx::fuzz::input_file(nullptr, 0, "mtx")).string() + ".d";
    std::filesystem::create_directories(d);
    std::ofstream(d + "/features.tsv") << "G1\tA\tGene Expression\nG2\tB\tGene Expression\nG3\tC\tGene Expression\n";
    std::ofstream(d + "/barcodes.tsv") << "AAA-1\nCCC-1\nGGG-1\n";
    return d;
  }();
  std::ofstream(dir + "/matrix.mtx", std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    stx::read_tenx_mtx_dir(dir);
  } catch (const stx::Error&) {
  }
  return 0;
}
