// A table of cell centres for prediction per cell on an H&E image (stx predict IMAGE --cells):
// CSV or TSV with a header naming x, y in image pixels, or x_um, y_um (or Xenium's
// x_centroid, y_centroid) in µm; an optional cell_id (or id) column names the cells.
#pragma once

#include <string>
#include <vector>

namespace stx {

struct CellCentres {
  std::vector<std::string> ids;  // "cell_<row>" where the table has no id column
  std::vector<double> x_px, y_px;
};

/// Reads `path`; µm columns are divided by `um_per_px`. FormatError naming the file, the line
/// and the column for a missing column, a bad number or a duplicate id.
CellCentres read_cell_centres(const std::string& path, double um_per_px);

}  // namespace stx
