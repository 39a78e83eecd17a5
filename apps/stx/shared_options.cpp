#include "shared_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "stx/core/name_table.hpp"
#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/image/nuclei.hpp"
#include "stx/histology/image/tissue.hpp"
#include "stx/io/readers/read_slide.hpp"
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

CLI::Option* add_force_flag(CLI::App* cmd, bool& force, const std::string& what) {
  return cmd->add_flag("--force", force, "Overwrite " + what);
}

CLI::Option* add_json_flag(CLI::App* cmd, bool& json, const std::string& what) {
  return cmd->add_flag("--json", json, "Print " + what + " as JSON on stdout");
}

CLI::Option* add_seed_option(CLI::App* cmd, uint64_t& seed, const std::string& what) {
  return cmd->add_option("--seed", seed, "Seed for " + what)->check(CLI::NonNegativeNumber)->capture_default_str();
}

CLI::Option* add_model_option(CLI::App* cmd, std::string& model) {
  return cmd->add_option("-m,--model", model,
                         "model.pt written by stx train, or a shipped model's name (stx models) [the shipped "
                         "her2st-builtin]");
}

CLI::Option* add_pathway_option(CLI::App* cmd, std::string& pathway, const std::string& help) {
  return cmd->add_option("--pathway", pathway, help + "; the HALLMARK_ prefix may be left out");
}

CLI::Option* add_pathway_option(CLI::App* cmd, std::vector<std::string>& pathways, const std::string& help) {
  return cmd->add_option("--pathway", pathways, help + ", comma-separated; the HALLMARK_ prefix may be left out")
      ->delimiter(',');
}

CLI::Option* add_genesets_option(CLI::App* cmd, std::string& gene_sets) {
  return cmd->add_option("--genesets", gene_sets, "'hallmarks' (built in) or a GMT file")->capture_default_str();
}

CLI::Option* add_cache_dir_option(CLI::App* cmd, std::string& cache_dir) {
  return cmd->add_option("--cache-dir", cache_dir, "Feature cache folder")->capture_default_str();
}

CLI::Option* add_weights_option(CLI::App* cmd, std::string& weights, const std::string& help) {
  return cmd->add_option("--weights", weights, help);
}

CLI::Option* add_stain_reference_option(CLI::App* cmd, std::string& image, const std::string& help) {
  return cmd->add_option("--stain-reference", image, help);
}

CLI::Option* add_output_option(CLI::App* cmd, std::string& path, const std::string& help) {
  return cmd->add_option("-o,--output", path, help);
}

CLI::Option* add_out_folder_option(CLI::App* cmd, std::string& folder, const std::string& help) {
  return cmd->add_option("-o,--out", folder, help);
}

CLI::Option* add_tsv_option(CLI::App* cmd, std::string& path, const std::string& help) {
  return cmd->add_option("--tsv", path, help);
}

CLI::Option* add_geojson_option(CLI::App* cmd, std::string& path, const std::string& help) {
  return cmd->add_option("--geojson", path, help);
}

CLI::Option* add_domains_option(CLI::App* cmd, std::string& path, const std::string& help) {
  return cmd->add_option("--domains", path, help);
}

CLI::Option* add_image_option(CLI::App* cmd, std::string& path, const std::string& help) {
  return cmd->add_option("--image", path, help);
}

CLI::Option* add_um_per_px_option(CLI::App* cmd, double& um_per_px, const std::string& from) {
  return cmd->add_option("--um-per-px", um_per_px, "Full-resolution µm per pixel (default: from " + from + ")")
      ->check(finite_range(kMinUmPerPx, kMaxUmPerPx));
}

CLI::Option* add_sections_option(CLI::App* cmd, std::vector<std::string>& sections) {
  return cmd->add_option("--sections", sections, "Legacy ST dataset folder: sections to use")->delimiter(',');
}

CLI::Option* add_pitch_option(CLI::App* cmd, double& pitch_um) {
  return cmd->add_option("--pitch-um", pitch_um, "Image only: pseudo-spot pitch in µm")
      ->check(finite_range(1, 10000))
      ->capture_default_str();
}

CLI::Option* add_bf16_flag(CLI::App* cmd, bool& bf16, const std::string& help) {
  return cmd->add_flag("--bf16", bf16, help);
}

}  // namespace stx::cli
