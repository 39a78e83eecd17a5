// `stx ingest`: read any supported input, summarise it, optionally write .h5ad.
#pragma once

#include <string>

#include "stx/io/slide/slide.hpp"
#include "stx/outputs/slide_summary_text.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

struct IngestRun {
  SlideInput slide;
  std::string output;  // .h5ad; empty: none
  bool force = false;
  bool json = false;   // the summary as JSON on stdout
};

struct IngestResult {
  Slide slide;
  SlideSummary summary;
};

/// Reads the input, writes it as .h5ad when asked; the caller prints the summary
/// (format_summary or summary_json, stx/outputs/slide_summary_text.hpp).
IngestResult run_ingest(IngestRun run);

}  // namespace stx
