// The options every subcommand that reads a slide shares (input, format, side files).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "stx/histology/tissue.hpp"
#include "stx/io/read_slide.hpp"

namespace stx::cli {

struct SlideArgs {
  ReadOptions read;
  std::string format = "auto";
};

/// `image_alone`: the command also takes an H&E image without spots (read_slide_or_image).
void add_slide_options(CLI::App* cmd, SlideArgs& args, bool image_alone = false);

/// A slide, or an H&E image alone (by extension), which gets pseudo-spots on its tissue; its
/// µm/px comes from --um-per-px or the file.
Slide read_slide_or_image(const ReadOptions& read, const PseudoSpotOptions& grid);

/// Refuses an existing output without --force and a missing output folder, before any work.
void check_output_path(const std::string& output, bool force);

/// Creates the output folder `dir` (and its parents) or throws IoError naming it.
void make_output_folder(const std::string& dir);

}  // namespace stx::cli
