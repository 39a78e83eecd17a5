// What the commands share before any work: the slide to read (a slide, or an H&E image alone
// with pseudo-spots on its tissue) and the output paths, checked before anything is computed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "stx/histology/image/tissue.hpp"
#include "stx/io/readers/read_slide.hpp"

namespace stx {

/// A slide's read options and its --format name (parsed when the command runs).
struct SlideInput {
  ReadOptions read;
  std::string format = "auto";
};

/// Whether `path` names an image file (by extension) rather than a slide.
bool is_image_path(const std::string& path);

/// ConfigError when --cells is given with a slide, which has its own spots: cell centres are
/// for an H&E image alone (they would be ignored).
void check_cells_need_an_image(const ReadOptions& read);

/// A slide, or an H&E image alone (by extension), which gets pseudo-spots on its tissue; its
/// µm/px comes from --um-per-px or the file. Checks check_cells_need_an_image first.
Slide read_slide_or_image(const ReadOptions& read, const PseudoSpotOptions& grid);

/// µm per pixel of an image: `given` (--um-per-px) when finite, else what the file records;
/// ConfigError naming `path` when neither says.
double image_um_per_px(const Image& image, double given, const std::string& path);

/// Refuses an existing output without --force and a missing output folder, before any work.
void check_output_path(const std::string& output, bool force);

/// ConfigError when two of the output paths given (empty ones aside) are the same file.
void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& option_paths);

/// ConfigError when a section is named twice.
void check_distinct_sections(const std::vector<std::string>& sections);

/// Creates the output folder `dir` (and its parents) or throws IoError naming it.
void make_output_folder(const std::string& dir);

}  // namespace stx
