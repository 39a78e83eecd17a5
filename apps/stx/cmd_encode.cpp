// `stx encode <slide>`: the options of run_encode (stx/pipeline/encode.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "read_options.hpp"
#include "stx/pipeline/encode.hpp"

namespace stx::cli {
namespace {

void print(const EncodeResult& r, const EncodeRun& run) {
  fmt::print("  slide     = {} ({} spots)\n", r.slide, r.spots);
  fmt::print("  encoder   = {} ({} features per spot)\n", r.encoder, r.features);
  fmt::print("  patch     = {} µm at {} px ({:.3f} µm/px)\n", run.encoder.patch.size_um,
             run.encoder.patch.size_px, run.encoder.patch.um_per_px());
  fmt::print("  off image = {} spot(s) whose patch extends past the image (padded white)\n", r.off_image);
  if (r.reused)
    fmt::print("  features  = reused from the cache ({:.3f} s)\n", r.seconds);
  else
    fmt::print("  features  = computed in {:.2f} s ({:.0f} spots/s, including patch reading)\n",
               r.seconds, static_cast<double>(r.spots) / std::max(r.seconds, 1e-9));
  fmt::print("  wrote {}\n", r.path);
}

}  // namespace

Action add_encode(CLI::App& app) {
  auto run = std::make_shared<EncodeRun>();
  CLI::App* cmd = app.add_subcommand(
      "encode", "Encode the H&E patch around every spot (cached); an image alone gets pseudo-spots");
  add_slide_options(cmd, run->slide, /*image_alone=*/true);
  add_encoder_option(cmd, run->encoder.name,
                     "builtin (morphology features; no weights), torchscript (--weights model.pt), "
                  "vit (UNI, Phikon: timm, torchvision or Hugging Face names) or swin (CTransPath, "
                  "torchvision swin_t); vit and swin read .safetensors, .pth or .bin");
  add_weights_option(cmd, run->encoder.weights,
                     "torchscript: model.pt; vit, swin: .safetensors, .pth or .bin (see docs/histology.md)");
  cmd->add_option("--encoder-config", run->encoder.config,
                  "torchscript: JSON sidecar (default: the weights path with .json)");
  add_bf16_flag(cmd, run->encoder.bf16,
               "vit, swin: run in bfloat16 (about 3x faster on CPUs with avx512_bf16; features "
               "correlate r > 0.9999 with float32)");
  add_device_option(cmd, run->encoder.device, "vit, swin");
  add_stain_reference_option(cmd, run->encoder.stain_reference, "Macenko-normalise patches to the stains of this H&E image")
      ->check(CLI::ExistingFile);
  cmd->add_option("--batch-size", run->encoder.batch_size, "Patches per forward pass")
      ->check(CLI::PositiveNumber)->capture_default_str();
  add_patch_options(cmd, run->encoder.patch);
  add_grid_option(cmd, run->grid_kind);
  add_pitch_option(cmd, run->grid.pitch_um);
  add_cache_dir_option(cmd, run->cache_dir);
  cmd->add_flag("--overwrite", run->overwrite, "Recompute even when cached features match");
  add_threads_option(cmd, run->encoder.threads);

  return [run, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    print(run_encode(*run), *run);
    return 0;
  };
}

}  // namespace stx::cli
