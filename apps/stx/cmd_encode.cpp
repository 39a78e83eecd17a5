// `stx encode <slide>`: features of the tissue around every spot, cached on disk.
#include <chrono>
#include <memory>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/encoder.hpp"
#include "stx/histology/feature_cache.hpp"

namespace stx::cli {

namespace {
struct EncodeArgs {
  SlideArgs slide;
  EncoderOptions encoder;
  std::string cache_dir = "stx-cache";
  bool overwrite = false;
};
}  // namespace

Action add_encode(CLI::App& app) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = app.add_subcommand("encode", "Encode the H&E patch around every spot (cached)");
  add_slide_options(cmd, args->slide);
  cmd->add_option("--encoder", args->encoder.name, "builtin (morphology features; no weights)")
      ->capture_default_str();
  cmd->add_option("--patch-um", args->encoder.patch.size_um, "Patch side in µm")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--patch-px", args->encoder.patch.size_px, "Patch side in pixels")
      ->check(CLI::Range(16, 4096))->capture_default_str();
  cmd->add_option("--cache-dir", args->cache_dir, "Feature cache folder")->capture_default_str();
  cmd->add_flag("--overwrite", args->overwrite, "Recompute even when cached features match");
  cmd->add_option("--threads", args->encoder.threads, "Threads (default: all cores)");

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    args->slide.read.format = parse_input_format(args->slide.format);
    args->slide.read.require_image = true;
    const auto encoder = make_encoder(args->encoder);
    const Slide slide = read_slide(args->slide.read);
    const auto start = std::chrono::steady_clock::now();
    const CacheResult result =
        encode_with_cache(slide, *encoder, args->encoder.patch, args->cache_dir, args->overwrite);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int64_t off = 0;
    for (uint8_t f : result.features.off_image) off += f;
    fmt::print("  slide     = {} ({} spots)\n", slide.name, slide.n_spots());
    fmt::print("  encoder   = {} ({} features per spot)\n", encoder->identity(), result.features.dim());
    fmt::print("  patch     = {} µm at {} px ({:.3f} µm/px)\n", args->encoder.patch.size_um,
               args->encoder.patch.size_px, args->encoder.patch.um_per_px());
    fmt::print("  off image = {} spot(s) whose patch extends past the image (padded white)\n", off);
    if (result.reused)
      fmt::print("  features  = reused from the cache ({:.3f} s)\n", seconds);
    else
      fmt::print("  features  = computed in {:.2f} s ({:.0f} spots/s, including patch reading)\n",
                 seconds, static_cast<double>(slide.n_spots()) / std::max(seconds, 1e-9));
    fmt::print("  wrote {}\n", result.path);
    return 0;
  };
}

}  // namespace stx::cli
