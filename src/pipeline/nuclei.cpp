#include "stx/pipeline/nuclei.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <cmath>

#include "stx/core/error.hpp"
#include "stx/io/image/image.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

NucleiResult run_nuclei(const NucleiRun& run) {
  check_output_path(run.output, run.force);
  const auto image = open_image(run.image);
  const double um_per_px = image_um_per_px(*image, run.um_per_px, run.image);
  if (run.threads > 0) omp_set_num_threads(run.threads);
  const auto start = std::chrono::steady_clock::now();
  const DetectedNuclei nuclei = detect_nuclei(*image, um_per_px, run.options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_nuclei_table(nuclei, um_per_px, run.output);
  return {static_cast<int64_t>(nuclei.size()), static_cast<int64_t>(nuclei.maxima), nuclei.threshold,
          std::isnan(run.options.threshold), seconds, run.output};
}

std::string describe(const NucleiResult& r) {
  return fmt::format("  nuclei    = {} of {} haematoxylin maxima (threshold {:.3f} OD{}), {:.1f} s\n  written   = {}\n",
                     r.nuclei, r.maxima, r.threshold, r.otsu ? ", Otsu's" : "", r.seconds, r.output);
}

}  // namespace stx
