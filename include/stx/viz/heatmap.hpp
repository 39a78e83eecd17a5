// A heatmap of a small table (rows x columns) on a diverging scale centred on 0, blue below,
// red above (ColorBrewer RdBu), with row names on the left, column names on top (each column
// may carry its categorical colour, matching the domain maps) and a colour bar.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace stx {

struct HeatmapStyle {
  int cell_w = 44, cell_h = 16;
  int font_px = 13;
  double limit = 1.5;               // |value| at the scale's ends; beyond it is clipped
  bool column_swatches = true;      // each column's name drawn on its category colour
};

/// `values` (rows x cols, row-major; NaN drawn grey). The swatch colour of a column is that
/// of its name among the sorted column names, as MapCanvas::categorical colours labels.
cv::Mat heatmap(const std::vector<double>& values, const std::vector<std::string>& row_names,
                const std::vector<std::string>& column_names, const std::string& title,
                const std::string& subtitle = "", const HeatmapStyle& style = {});

}  // namespace stx
