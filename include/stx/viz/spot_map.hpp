// Maps over the tissue: per-spot values drawn as spots on the H&E, in the slide's own
// geometry, with a title, a colour bar and a scale bar in µm — the picture scanpy's
// sc.pl.spatial draws, rendered in C++ (OpenCV) so the product needs no Python.
// A MapCanvas reads the background once; every map drawn on it reuses it (a grid of 50
// Hallmarks costs one image read).
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stx/io/image/image.hpp"

namespace stx {

/// Where the spots are: full-resolution pixel centres, the spot size and the scale.
struct SpotGeometry {
  std::vector<double> x, y;              // (N) full-resolution pixels (x = column)
  double spot_diameter_px = 0;           // <= 0 or NaN: 0.9 x the median nearest distance
  double um_per_px = 0;                  // for the scale bar; <= 0 or NaN: no scale bar
  std::shared_ptr<const Image> image;    // H&E background; null draws on white
};

struct MapStyle {
  int map_width_px = 480;     // width of the tissue panel (height follows the aspect ratio)
  double spot_opacity = 0.9;  // over the H&E
  double image_fade = 0.25;   // blend of the background towards white, so spots stand out
  bool colour_bar = true;
  bool scale_bar = true;
  int font_px = 16;           // title size; tick labels are 0.8 x
};

/// A continuous colour range. Without vmin/vmax, the 1st and 99th percentiles of the finite
/// values (one outlier spot does not wash out a map; the colour bar says so with "<"/">").
struct ColourRange {
  std::optional<double> vmin, vmax;
  /// Signed values whose 0 means "none" (attributions, changes): the range is widened to be
  /// symmetric about 0 and coloured red above, blue below, near-white at 0 (RdBu).
  bool centred = false;
};

/// Where a continuous colour scale ends by default, on the maps and in the viewer: the 1st and
/// 99th percentiles of the finite values (0 and 1 when there are none).
std::pair<double, double> default_colour_range(const std::vector<double>& finite);

class MapCanvas {
 public:
  /// Reads the background around the spots (their bounding box plus one spot diameter).
  /// Throws ShapeError without spots or with mismatched x/y.
  MapCanvas(SpotGeometry geometry, const MapStyle& style = {});

  /// `values` (N), NaN spots drawn hollow grey; viridis colours (RdBu with range.centred).
  cv::Mat continuous(const std::vector<double>& values, const std::string& title,
                     const ColourRange& range = {}, const std::string& subtitle = "") const;
  /// One colour per distinct label (sorted; "" = unlabelled, drawn hollow), with a legend.
  cv::Mat categorical(const std::vector<std::string>& labels, const std::string& title,
                      const std::string& subtitle = "") const;

  int64_t n_spots() const { return static_cast<int64_t>(geometry_.x.size()); }

 private:
  cv::Mat draw_spots(const std::vector<cv::Scalar>& colours,
                     const std::vector<bool>& filled) const;
  SpotGeometry geometry_;
  MapStyle style_;
  cv::Rect2d region_;  // full-resolution rectangle shown
  double scale_ = 1;   // panel pixels per full-resolution pixel
  cv::Mat background_; // 8-bit BGR, the panel size
};

}  // namespace stx
