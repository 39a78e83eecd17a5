#include "stx/pipeline/ingest.hpp"

#include "stx/core/log.hpp"
#include "stx/io/hdf5/h5ad.hpp"
#include "stx/outputs/slide_summary_text.hpp"

namespace stx {

IngestResult run_ingest(IngestRun run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  check_output_path(run.output, run.force);
  IngestResult result{read_slide(run.slide.read), {}};
  for (const auto& warning : result.slide.warnings) log()->warn("{}", warning);
  result.summary = summarize(result.slide);
  if (!run.output.empty()) write_h5ad(result.slide, run.output);
  return result;
}

}  // namespace stx
