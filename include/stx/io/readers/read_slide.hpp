// Reading any supported input into a Slide, with the format detected from the file's
// structure (scanpy's habit) unless the user names it. The per-format readers are public
// too, for library users who know what they hold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/core/name_table.hpp"
#include "stx/io/slide/slide.hpp"

namespace stx {

enum class InputFormat { kAuto, kLegacySt, kSpaceRanger, kH5ad, kTenxH5, kXenium };

/// "auto", "legacy-st", "spaceranger", "h5ad", "10x-h5", "xenium" (--format).
const NameTable<InputFormat>& input_formats();
InputFormat parse_input_format(const std::string& name);  // ConfigError lists the choices
std::string to_string(InputFormat format);

struct ReadOptions {
  std::string input;                      // file or directory
  InputFormat format = InputFormat::kAuto;
  std::string spots_path;                 // legacy ST: spot selection table (default: found)
  std::string image_path;                 // full-resolution H&E (default: found, if any)
  std::string alignment_path;             // Xenium: the H&E's alignment to the cells (he_alignment.hpp)
  std::string labels_path;                // per-spot annotation table (see attach_labels)
  std::string section;                    // legacy ST dataset root: which section to read
  double um_per_px = kUnknown;            // overrides what the reader infers
  std::string obs_x;                      // h5ad: obs column holding the image column (x)
  std::string obs_y;                      // h5ad: obs column holding the image row (y)
  bool require_image = false;             // error rather than read a slide without an image
  std::string cells_path;                 // an H&E image alone: cell centres (cell_centres.hpp), not pseudo-spots
  int64_t max_image_pixels = kDefaultMaxImagePixels;  // for images decoded whole
};

/// Detects the format of `path` from its structure; throws FormatError listing what was
/// looked for when nothing matches.
InputFormat detect_format(const std::string& path);

/// Reads, validates and checks coordinates against the image. The single entry point.
Slide read_slide(const ReadOptions& options);

/// FormatError naming `source` (the file the coordinates came from) when spots lie outside
/// the slide's image: how many, and the first. Nothing to check without image or coordinates.
void check_inside_image(const Slide& slide, const std::string& source);

/// The legacy ST spot id of array position (x, y): "XxY", as the HER2ST counts rows name it.
inline std::string legacy_st_spot_id(int64_t x, int64_t y) {
  return std::to_string(x) + "x" + std::to_string(y);
}

/// Attaches per-spot labels from a table, in one of two forms:
///  - HER2ST pathologist labels (tab-separated, columns x, y, label): joined on the rounded
///    (x, y) to the spots' array (column, row); rows with NA coordinates are skipped;
///  - any CSV/TSV whose first column is the spot id and second the label (a header line
///    first), e.g. a Loupe Browser export.
/// Spots without a row get "" (unlabelled); rows matching no spot and skipped rows are
/// counted in slide.notes.
void attach_labels(Slide& slide, const std::string& path);

// ---- per-format readers (called by read_slide) ------------------------------------------
Slide read_legacy_st(const ReadOptions& options);
Slide read_spaceranger(const ReadOptions& options);
Slide read_h5ad(const ReadOptions& options);
Slide read_tenx_h5(const ReadOptions& options);
/// A Xenium output folder: cell_feature_matrix.h5, cells.parquet (or cells.csv.gz),
/// experiment.xenium; with --image and --alignment, the cells placed on a post-Xenium H&E.
Slide read_xenium(const ReadOptions& options);
/// Whether `dir` holds a Xenium bundle's matrix and its cells table or experiment file.
bool looks_like_xenium(const std::string& dir);

}  // namespace stx
