// `stx encode`: features of the tissue around every spot (or pseudo-spot of an image alone),
// cached on disk.
#pragma once

#include <cstdint>
#include <string>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/image/tissue.hpp"
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

struct EncodeResult {
  std::string slide;
  int64_t spots = 0;
  std::string encoder;     // the encoder's identity
  int64_t features = 0;    // per spot
  int64_t off_image = 0;   // spots whose patch extends past the image (padded white)
  bool reused = false;     // read from the cache, not computed
  double seconds = 0;      // encoding or reading the cache
  std::string path;        // the cache file
};

/// Encodes (or reads from the cache) every spot's patch; apps/stx prints the result.
EncodeResult run_encode(EncodeRun run);

}  // namespace stx
