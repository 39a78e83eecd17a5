// Slide: the one in-memory model of a tissue section, whatever file format it came from.
// Readers build it; nothing downstream knows the format. Coordinates are in the slide's
// full-resolution image pixels with x = column and y = row (scanpy's obsm['spatial']).
// Optional parts are empty vectors (or NaN scalars) when the source has none. Results computed
// on the spots (pathway scores, predictions) travel in aligned slots, as anndata's obsm/obs
// and uns: the .h5ad reader and writer map them one to one.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stx/io/slide/csr_matrix.hpp"
#include "stx/io/image/image.hpp"

namespace stx {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

/// The µm per pixel a slide may have: from a 100x objective's 0.01 to a 1000 µm/px overview.
inline constexpr double kMinUmPerPx = 0.01, kMaxUmPerPx = 1000;
inline bool plausible_um_per_px(double v) { return std::isfinite(v) && v >= kMinUmPerPx && v <= kMaxUmPerPx; }

/// The "spot diameter" of a cell (about a nucleus): the dot the maps draw, and
/// spot_diameter_fullres in uns['spatial'] for scanpy.
inline constexpr double kCellDiameterUm = 8.0;

/// One obsm entry: (n_spots, cols) row-major.
struct SpotMatrix {
  int64_t cols = 0;
  std::vector<float> values;
};

struct Slide {
  std::string name;           // section / library id, e.g. "C2"
  std::string source_format;  // "legacy-st", "spaceranger", "h5ad", "10x-h5"
  std::string source_path;

  std::vector<std::string> spot_ids;  // (N) unique
  std::vector<int32_t> array_row;     // (N) or empty: grid row (Visium array_row, ST y)
  std::vector<int32_t> array_col;     // (N) or empty: grid column (Visium array_col, ST x)
  std::vector<double> pixel_x;        // (N) or empty: full-resolution column
  std::vector<double> pixel_y;        // (N) or empty: full-resolution row
  std::vector<uint8_t> in_tissue;     // (N) or empty: 1 = under tissue
  std::vector<std::string> labels;    // (N) or empty: per-spot annotation

  CsrMatrix counts;                       // (N, G) raw counts, float32
  std::vector<std::string> gene_symbols;  // (G)
  std::vector<std::string> gene_ids;      // (G) or empty (e.g. Ensembl ids)

  std::shared_ptr<const Image> image;  // may be null
  double um_per_px = kUnknown;         // full-resolution µm per pixel
  double spot_diameter_px = kUnknown;  // full-resolution pixels, when the platform states it

  // Aligned with the spots: rows are checked against n_spots() by set_* and validate().
  std::map<std::string, SpotMatrix> obsm;                 // e.g. "pathway_activity" (N, P)
  std::map<std::string, std::vector<uint8_t>> obs_flags;  // e.g. "pathway_flagged" (N) 0/1
  // Unaligned metadata (anndata's uns); a key "a/b" nests b in the dict a.
  std::map<std::string, std::string> uns_strings;
  std::map<std::string, std::vector<std::string>> uns_lists;

  std::vector<std::string> notes;     // what the reader dropped, inferred or assumed
  std::vector<std::string> warnings;  // what the user should check: shown even with -q

  int64_t n_spots() const { return static_cast<int64_t>(spot_ids.size()); }
  int64_t n_genes() const { return static_cast<int64_t>(gene_symbols.size()); }
  bool has_coordinates() const { return !pixel_x.empty(); }

  /// Sets obsm[key] to (n_spots, cols) `values`; ShapeError when they are not n_spots rows.
  void set_obsm(const std::string& key, int64_t cols, std::vector<float> values);
  /// Sets obs[key] to one 0/1 flag per spot; ShapeError when there are not n_spots of them.
  void set_obs_flag(const std::string& key, std::vector<uint8_t> flags);
  /// obsm[key], or null.
  const SpotMatrix* find_obsm(const std::string& key) const;

  /// The spots at `rows` (in that order) with every aligned slot: positions, flags, labels,
  /// obsm and obs; name, image and scale as they are. With `expression` false the counts and
  /// genes are left out (a view for features, targets and predictions); ShapeError on a row
  /// outside the slide.
  Slide select_spots(const std::vector<int64_t>& rows, bool expression = true) const;

  /// Each id's row among this slide's spots, -1 for an id it lacks: the one join by spot id, for
  /// files that name spots (a measured .h5ad beside a prediction of it, a domains table).
  std::vector<int64_t> rows_of_spots(const std::vector<std::string>& ids) const;

  /// Throws ShapeError if the per-spot and per-gene arrays disagree with the counts' shape.
  void validate() const;
};

struct SlideSummary {
  int64_t n_spots = 0;
  int64_t n_genes = 0;
  int64_t n_in_tissue = -1;  // -1 when unknown
  double total_counts = 0;
  double median_counts_per_spot = 0;
  double median_genes_per_spot = 0;
  int64_t genes_detected = 0;      // genes with a count in at least one spot
  int64_t zero_count_spots = 0;
  int64_t image_width = 0;         // 0 without an image
  int64_t image_height = 0;
  double um_per_px = kUnknown;
};

SlideSummary summarize(const Slide& slide);

}  // namespace stx
