// Options that several subcommands take, declared once; their choice lists come from the
// library's name tables, so a new format, method or encoder needs no CLI edit.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

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

}  // namespace stx::cli
