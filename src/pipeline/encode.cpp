#include "stx/pipeline/encode.hpp"

#include <fmt/format.h>

#include <chrono>

#include "stx/core/log.hpp"
#include "stx/histology/feature_cache.hpp"

namespace stx {

void run_encode(EncodeRun run) {
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
  int64_t off = 0;
  for (uint8_t f : result.features.off_image) off += f;
  fmt::print("  slide     = {} ({} spots)\n", slide.name, slide.n_spots());
  fmt::print("  encoder   = {} ({} features per spot)\n", encoder->identity(), result.features.dim());
  fmt::print("  patch     = {} µm at {} px ({:.3f} µm/px)\n", run.encoder.patch.size_um,
             run.encoder.patch.size_px, run.encoder.patch.um_per_px());
  fmt::print("  off image = {} spot(s) whose patch extends past the image (padded white)\n", off);
  if (result.reused)
    fmt::print("  features  = reused from the cache ({:.3f} s)\n", seconds);
  else
    fmt::print("  features  = computed in {:.2f} s ({:.0f} spots/s, including patch reading)\n",
               seconds, static_cast<double>(slide.n_spots()) / std::max(seconds, 1e-9));
  fmt::print("  wrote {}\n", result.path);
}

}  // namespace stx
