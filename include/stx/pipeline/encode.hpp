// `stx encode`: features of the tissue around every spot (or pseudo-spot of an image alone),
// cached on disk.
#pragma once

#include <string>

#include "stx/histology/encoder.hpp"
#include "stx/histology/tissue.hpp"
#include "stx/pipeline/inputs.hpp"

namespace stx {

struct EncodeRun {
  SlideInput slide;
  PseudoSpotOptions grid;
  std::string grid_kind = "hex";
  EncoderOptions encoder;
  std::string cache_dir = "stx-cache";
  bool overwrite = false;
};

void run_encode(EncodeRun run);

}  // namespace stx
