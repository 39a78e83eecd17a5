// `stx nuclei IMAGE -o nuclei.tsv`: the built-in nucleus detector (stx/histology/nuclei.hpp)
// over a whole H&E image, written as a centre table that `stx predict --cells` reads; and the
// same step inside `stx predict IMAGE --detect-nuclei`.
#pragma once

#include <string>

#include "stx/histology/image/nuclei.hpp"

namespace stx {

struct NucleiRun {
  std::string image;
  double um_per_px = std::numeric_limits<double>::quiet_NaN();  // default: from the file
  NucleusOptions options;
  std::string output;
  int threads = 0;
  bool force = false;
};

struct NucleiResult {
  int64_t nuclei = 0;        // found (the table's rows)
  int64_t maxima = 0;        // haematoxylin maxima considered
  double threshold = 0;      // optical density a maximum had to reach
  bool otsu = false;         // the threshold was Otsu's (none was given)
  double seconds = 0;
  std::string output;
};

/// Detects the nuclei of `run.image` and writes `run.output`.
NucleiResult run_nuclei(const NucleiRun& run);

/// What `stx nuclei` prints of a result: two lines.
std::string describe(const NucleiResult& result);

}  // namespace stx
