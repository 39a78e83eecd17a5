#include "stx/pipeline/encode.hpp"

#include <chrono>

#include "stx/core/log.hpp"
#include "stx/histology/encoders/feature_cache.hpp"

namespace stx {

EncodeResult run_encode(EncodeRun run) {
  run.slide.read.format = parse_input_format(run.slide.format);
  run.slide.read.require_image = true;
  const auto encoder = make_encoder(run.encoder);
  run.grid.kind = parse_grid_kind(run.grid_kind);
  const Slide slide = read_slide_or_image(run.slide.read, run.grid);
  for (const auto& note : slide.notes) log()->info("{}", note);
  for (const auto& warning : slide.warnings) log()->warn("{}", warning);
  const auto start = std::chrono::steady_clock::now();
  const CacheResult result =
      encode_with_cache(slide, *encoder, run.encoder.patch, run.cache_dir, run.overwrite);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EncodeResult r;
  r.slide = slide.name;
  r.spots = slide.n_spots();
  r.encoder = encoder->identity();
  r.features = result.features.dim();
  for (uint8_t f : result.features.off_image) r.off_image += f;
  r.reused = result.reused;
  r.seconds = seconds;
  r.path = result.path;
  return r;
}

}  // namespace stx
