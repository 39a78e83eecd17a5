#include "stx/pipeline/ingest.hpp"

#include <iostream>

#include "stx/core/log.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/outputs/slide_summary_text.hpp"

namespace stx {

void run_ingest(IngestRun run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  check_output_path(run.output, run.force);
  const Slide slide = read_slide(run.slide.read);
  for (const auto& warning : slide.warnings) log()->warn("{}", warning);
  const SlideSummary summary = summarize(slide);
  if (!run.output.empty()) write_h5ad(slide, run.output);
  if (run.json) {
    nlohmann::json j = summary_json(slide, summary);
    if (!run.output.empty()) j["output"] = run.output;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << format_summary(slide, summary);
    if (!run.output.empty()) std::cout << "  wrote " << run.output << "\n";
  }
}

}  // namespace stx
