// Slides with no spots (prediction from H&E alone): find the tissue on a thumbnail and lay a
// grid of pseudo-spots over it. Tissue = Otsu threshold on HSV saturation of a thumbnail at
// ~8 µm/px (stained tissue is saturated, glass is not), closed and with holes filled, small
// specks removed. Grids: hexagonal (Visium-like, default 100 µm pitch) or square.
#pragma once

#include <opencv2/core.hpp>

#include <string>

#include "stx/core/name_table.hpp"
#include "stx/io/image/image.hpp"
#include "stx/io/slide/slide.hpp"

namespace stx {

struct TissueMask {
  cv::Mat mask;           // CV_8U, 255 = tissue, at thumbnail resolution
  double fullres_per_px;  // full-resolution pixels per mask pixel
  bool at(double x, double y) const;  // full-resolution point inside tissue?
  double area_um2(double um_per_px) const;
};

struct TissueOptions {
  double thumbnail_um_per_px = 8.0;
  double min_component_um2 = 20000;  // specks smaller than this are dropped
};

TissueMask detect_tissue(const Image& image, double um_per_px, const TissueOptions& options = {});

enum class GridKind { kHexagonal, kSquare };

struct PseudoSpotOptions {
  double pitch_um = 100.0;
  GridKind kind = GridKind::kHexagonal;
  int64_t max_grid_points = 2'000'000;  // over the whole image; a finer pitch is refused
  TissueOptions tissue;
};

/// "hex" or "square" (--grid).
const NameTable<GridKind>& grid_kinds();
GridKind parse_grid_kind(const std::string& name);  // ConfigError lists the choices

/// A Slide with pseudo-spots on the tissue of `image` and no expression (0 genes): what
/// encoding and prediction need. Spot ids are "r<row>_c<col>" of the grid.
Slide pseudo_spot_slide(std::shared_ptr<const Image> image, double um_per_px,
                        const PseudoSpotOptions& options = {});

}  // namespace stx
