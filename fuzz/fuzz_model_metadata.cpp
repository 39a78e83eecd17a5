// The JSON metadata inside a QuadFlow model.pt (sizes, genes, pathways, standardisation,
// encoder): parsed and validated as TrainedModel::load does before any module is built.
#include <nlohmann/json.hpp>

#include <cstdint>

#include "model_metadata.hpp"
#include "stx/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;  // TrainedModel::load refuses text that is not JSON
  try {
    stx::metadata_from_json(j, "model.pt");
  } catch (const stx::Error&) {
  }
  return 0;
}
