// The GMT gene-set parser (name, description, genes per tab-separated line).
#include <cstdint>
#include <string>

#include "stx/core/error.hpp"
#include "stx/pathways/gene_sets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    stx::parse_gmt(std::string(reinterpret_cast<const char*>(data), size), "fuzz.gmt");
  } catch (const stx::Error&) {
  }
  return 0;
}
