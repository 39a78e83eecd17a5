// `stx encode <slide>`: features of the tissue around every spot, cached on disk.
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/encoder.hpp"
#include "stx/histology/feature_cache.hpp"
#include "stx/histology/tissue.hpp"
#include "stx/core/log.hpp"

namespace stx::cli {

namespace {

struct EncodeArgs {
  SlideArgs slide;
  PseudoSpotOptions grid;
  std::string grid_kind = "hex";
  EncoderOptions encoder;
  std::string cache_dir = "stx-cache";
  bool overwrite = false;
};
}  // namespace

Action add_encode(CLI::App& app) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "encode", "Encode the H&E patch around every spot (cached); an image alone gets pseudo-spots");
  add_slide_options(cmd, args->slide, /*image_alone=*/true);
  cmd->add_option("--encoder", args->encoder.name,
                  "builtin (morphology features; no weights), torchscript (--weights model.pt), "
                  "vit (UNI, Phikon: timm, torchvision or Hugging Face names) or swin (CTransPath, "
                  "torchvision swin_t); vit and swin read .safetensors, .pth or .bin")
      ->check(CLI::IsMember({"builtin", "torchscript", "vit", "swin"}))
      ->capture_default_str();
  cmd->add_option("--weights", args->encoder.weights,
                  "torchscript: model.pt; vit, swin: .safetensors, .pth or .bin (see docs/histology.md)");
  cmd->add_option("--encoder-config", args->encoder.config,
                  "torchscript: JSON sidecar (default: the weights path with .json)");
  cmd->add_flag("--bf16", args->encoder.bf16,
               "vit, swin: run in bfloat16 (about 3x faster on CPUs with avx512_bf16; features "
               "correlate r > 0.9999 with float32)");
  cmd->add_option("--device", args->encoder.device, "vit, swin: cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))->capture_default_str();
  cmd->add_option("--stain-reference", args->encoder.stain_reference,
                  "Macenko-normalise patches to the stains of this H&E image")
      ->check(CLI::ExistingFile);
  cmd->add_option("--batch-size", args->encoder.batch_size, "Patches per forward pass")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--patch-um", args->encoder.patch.size_um, "Patch side in µm")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--patch-px", args->encoder.patch.size_px, "Patch side in pixels")
      ->check(CLI::Range(16, 4096))->capture_default_str();
  cmd->add_option("--grid", args->grid_kind, "Image only: pseudo-spot grid, hex or square")
      ->check(CLI::IsMember({"hex", "square"}))->capture_default_str();
  cmd->add_option("--pitch-um", args->grid.pitch_um, "Image only: pseudo-spot pitch in µm")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--cache-dir", args->cache_dir, "Feature cache folder")->capture_default_str();
  cmd->add_flag("--overwrite", args->overwrite, "Recompute even when cached features match");
  cmd->add_option("--threads", args->encoder.threads, "Threads (default: all cores)");

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    args->slide.read.format = parse_input_format(args->slide.format);
    args->slide.read.require_image = true;
    const auto encoder = make_encoder(args->encoder);
    args->grid.kind = parse_grid_kind(args->grid_kind);
    const Slide slide = read_slide_or_image(args->slide.read, args->grid);
    for (const auto& note : slide.notes) log()->info("{}", note);
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
