// `stx ingest`: read any supported input, print its summary, optionally write .h5ad.
#pragma once

#include <string>

#include "stx/pipeline/inputs.hpp"

namespace stx {

struct IngestRun {
  SlideInput slide;
  std::string output;  // .h5ad; empty: none
  bool force = false;
  bool json = false;   // the summary as JSON on stdout
};

void run_ingest(IngestRun run);

}  // namespace stx
