// Options that several subcommands take, declared once; their choice lists come from the
// library's name tables, so a new format, method or encoder needs no CLI edit.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace stx {
struct PatchGeometry;
struct NucleusOptions;
struct ScoreOptions;
}

namespace stx::cli {

/// A number that must be finite and in [min, max] (CLI11's own ranges let NaN through).
CLI::Validator finite_range(double min, double max);

/// --threads N; 0 (the default) is all cores.
CLI::Option* add_threads_option(CLI::App* cmd, int& threads);

/// --device, one of device_names(); `who` says what runs there ("vit, swin").
CLI::Option* add_device_option(CLI::App* cmd, std::string& device, const std::string& who);

/// --format, one of input_formats() (default: detected).
CLI::Option* add_format_option(CLI::App* cmd, std::string& format);

/// --method, one of score_methods().
CLI::Option* add_method_option(CLI::App* cmd, std::string& method, const std::string& description);

/// --max-rank and --thin-to: depth-robust variants of the pathway scores (issue #27).
void add_score_depth_options(CLI::App* cmd, ScoreOptions& options);

/// --encoder, one of encoder_names().
CLI::Option* add_encoder_option(CLI::App* cmd, std::string& encoder, const std::string& description);

/// --patch-um and --patch-px: the patch an encoder sees around each spot (or cell: 16-32 µm).
void add_patch_options(CLI::App* cmd, PatchGeometry& patch);

/// The nucleus detector's settings: --nucleus-radius-um, --nucleus-distance-um,
/// --nucleus-threshold, --nucleus-um-per-px.
void add_nucleus_options(CLI::App* cmd, NucleusOptions& options);

/// --grid, one of grid_kinds(), for an image alone.
CLI::Option* add_grid_option(CLI::App* cmd, std::string& grid);

// The options that several subcommands share, each named here only ("no option registered in
// two files", issue #31); `what` finishes the help line in the subcommand's own words.

/// --force: "Overwrite <what>".
CLI::Option* add_force_flag(CLI::App* cmd, bool& force, const std::string& what);

/// --json: "Print <what> as JSON on stdout".
CLI::Option* add_json_flag(CLI::App* cmd, bool& json, const std::string& what);

/// --seed N (non-negative): "Seed for <what>".
CLI::Option* add_seed_option(CLI::App* cmd, uint64_t& seed, const std::string& what);

/// -m,--model: a model file or a shipped model's name (the default one when not given).
CLI::Option* add_model_option(CLI::App* cmd, std::string& model);

/// --pathway: one pathway of the model, or several (comma-separated); the HALLMARK_ prefix may
/// be left out.
CLI::Option* add_pathway_option(CLI::App* cmd, std::string& pathway, const std::string& help);
CLI::Option* add_pathway_option(CLI::App* cmd, std::vector<std::string>& pathways, const std::string& help);

/// --genesets: 'hallmarks' (built in) or a GMT file.
CLI::Option* add_genesets_option(CLI::App* cmd, std::string& gene_sets);

/// --cache-dir: the feature cache folder.
CLI::Option* add_cache_dir_option(CLI::App* cmd, std::string& cache_dir);

/// --weights: the encoder's weights file, described by `help`.
CLI::Option* add_weights_option(CLI::App* cmd, std::string& weights, const std::string& help);

/// --stain-reference: a Macenko reference H&E image, described by `help`.
CLI::Option* add_stain_reference_option(CLI::App* cmd, std::string& image, const std::string& help);

/// -o,--output: the command's output file, described by `help`.
CLI::Option* add_output_option(CLI::App* cmd, std::string& path, const std::string& help);

/// -o,--out: the command's output folder, described by `help`.
CLI::Option* add_out_folder_option(CLI::App* cmd, std::string& folder, const std::string& help);

/// --tsv and --geojson: further outputs, described by `help`.
CLI::Option* add_tsv_option(CLI::App* cmd, std::string& path, const std::string& help);
CLI::Option* add_geojson_option(CLI::App* cmd, std::string& path, const std::string& help);

/// --domains: stx domains' domains.tsv (export, view).
CLI::Option* add_domains_option(CLI::App* cmd, std::string& path, const std::string& help);

/// --image: the full-resolution H&E (slides, and an .h5ad whose recorded image moved).
CLI::Option* add_image_option(CLI::App* cmd, std::string& path, const std::string& help);

/// --um-per-px, within the plausible range: "Full-resolution µm per pixel (default: from <from>)".
CLI::Option* add_um_per_px_option(CLI::App* cmd, double& um_per_px, const std::string& from);

/// --sections A,B,...: the sections of a legacy ST dataset folder.
CLI::Option* add_sections_option(CLI::App* cmd, std::vector<std::string>& sections);

/// --pitch-um: pseudo-spot pitch on an image alone.
CLI::Option* add_pitch_option(CLI::App* cmd, double& pitch_um);

/// --bf16: run vit or swin in bfloat16, described by `help`.
CLI::Option* add_bf16_flag(CLI::App* cmd, bool& bf16, const std::string& help);

}  // namespace stx::cli
