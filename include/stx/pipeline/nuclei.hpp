// `stx nuclei IMAGE -o nuclei.tsv`: the built-in nucleus detector (stx/histology/nuclei.hpp)
// over a whole H&E image, written as a centre table that `stx predict --cells` reads; and the
// same step inside `stx predict IMAGE --detect-nuclei`.
#pragma once

#include <string>

#include "stx/histology/nuclei.hpp"

namespace stx {

struct NucleiRun {
  std::string image;
  double um_per_px = std::numeric_limits<double>::quiet_NaN();  // default: from the file
  NucleusOptions options;
  std::string output;
  int threads = 0;
  bool force = false;
  bool quiet = false;
};

/// Detects the nuclei of `run.image` and writes `run.output`; returns how many were found.
int64_t run_nuclei(const NucleiRun& run);

}  // namespace stx
