// The Parquet reader: the Thrift footer, page headers, codecs, levels and encodings.
#include <cstdint>
#include <string>

#include "stx/core/error.hpp"
#include "stx/io/parquet/parquet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    stx::read_parquet_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.parquet");
  } catch (const stx::Error&) {
  }
  return 0;
}
