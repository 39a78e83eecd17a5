#include "shared_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "stx/core/name_table.hpp"
#include "stx/histology/encoder.hpp"
#include "stx/histology/nuclei.hpp"
#include "stx/histology/tissue.hpp"
#include "stx/io/read_slide.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx::cli {

CLI::Validator finite_range(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        double v = 0;
        const bool number = CLI::detail::lexical_cast(text, v);
        if (number && std::isfinite(v) && v >= min && v <= max) return {};
        return fmt::format("expected a finite number from {:g} to {:g}, found '{}'", min, max, text);
      },
      fmt::format("FLOAT in [{:g}, {:g}]", min, max));
}

CLI::Option* add_threads_option(CLI::App* cmd, int& threads) {
  return cmd->add_option("--threads", threads, "Threads (default: all cores)")->check(CLI::Range(0, 1024));
}

CLI::Option* add_device_option(CLI::App* cmd, std::string& device, const std::string& who) {
  return cmd->add_option("--device", device, fmt::format("{}{}", who.empty() ? "" : who + ": ", fmt::join(device_names(), ", ")))
      ->check(CLI::IsMember(device_names()))
      ->capture_default_str();
}

CLI::Option* add_format_option(CLI::App* cmd, std::string& format) {
  return cmd->add_option("--format", format, "Input format (default: detected)")
      ->check(CLI::IsMember(input_formats().names()));
}

CLI::Option* add_method_option(CLI::App* cmd, std::string& method, const std::string& description) {
  return cmd->add_option("--method", method, description)
      ->check(CLI::IsMember(score_methods().names()))
      ->capture_default_str();
}

void add_score_depth_options(CLI::App* cmd, ScoreOptions& options) {
  cmd->add_option("--max-rank", options.max_rank,
                  "rank: score within each spot's top N genes (UCell's maxRank; a small N follows "
                  "sequencing depth less) [0: the top 5% of the genes]")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000}))->capture_default_str();
  cmd->add_option("--thin-to", options.thin_to,
                  "Thin each spot's counts to about N (seeded binomial thinning) before scoring, so "
                  "that scores do not follow depth [0: no thinning]")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}))->capture_default_str();
}

CLI::Option* add_encoder_option(CLI::App* cmd, std::string& encoder, const std::string& description) {
  return cmd->add_option("--encoder", encoder, description)
      ->check(CLI::IsMember(encoder_names()))
      ->capture_default_str();
}

CLI::Option* add_grid_option(CLI::App* cmd, std::string& grid) {
  return cmd->add_option("--grid", grid, fmt::format("Image only: pseudo-spot grid, {}", fmt::join(grid_kinds().names(), " or ")))
      ->check(CLI::IsMember(grid_kinds().names()))
      ->capture_default_str();
}

void add_patch_options(CLI::App* cmd, PatchGeometry& patch) {
  cmd->add_option("--patch-um", patch.size_um, "Patch side in µm (a cell: 16-32)")
      ->check(finite_range(1, 10000))->capture_default_str();
  cmd->add_option("--patch-px", patch.size_px, "Patch side in pixels")
      ->check(CLI::Range(16, 4096))->capture_default_str();
}

void add_nucleus_options(CLI::App* cmd, NucleusOptions& options) {
  cmd->add_option("--nucleus-radius-um", options.radius_um, "Nucleus radius in µm (the smoothing scale)")
      ->check(finite_range(0.1, 50))->capture_default_str();
  cmd->add_option("--nucleus-distance-um", options.min_distance_um, "Nuclei closer than this are one")
      ->check(finite_range(0.05, 100))->capture_default_str();
  cmd->add_option("--nucleus-threshold", options.threshold,
                  "Haematoxylin OD a nucleus's centre must reach (default: Otsu's over the slide's maxima)")
      ->check(finite_range(0, 10));
  cmd->add_option("--nucleus-um-per-px", options.work_um_per_px, "Scale the nuclei are found at")
      ->check(finite_range(0.05, 4))->capture_default_str();
}

}  // namespace stx::cli
