// The HDF5 readers: the fuzzer's bytes as an .h5ad (anndata's layout: X dense, CSR or CSC,
// obs/var frames, obsm['spatial'], uns scale factors) and then as a 10x Genomics
// feature-barcode .h5, each read and validated by read_slide as `stx ingest` does.
#include <cstdint>

#include "fuzz_input_file.hpp"
#include "stx/core/error.hpp"
#include "stx/io/readers/read_slide.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = stx::fuzz::input_file(data, size, "slide.h5");
  for (const auto format : {stx::InputFormat::kH5ad, stx::InputFormat::kTenxH5}) {
    stx::ReadOptions options;
    options.input = path;
    options.format = format;
    try {
      stx::read_slide(options);
    } catch (const stx::Error&) {
    }
  }
  return 0;
}
