// A simple nucleus detector for H&E slides without cell segmentation: nuclei are the local
// maxima of the smoothed haematoxylin channel (Ruifrok colour deconvolution, stain.hpp). The
// slide is read in overlapping tiles at a working scale, so a gigapixel slide never needs
// more than one tile per thread in memory. Which maxima are nuclei is decided by a threshold on
// their haematoxylin: unless given, Otsu's over the smoothed haematoxylin of all the slide's
// tissue pixels (glass, below the floor, left out), which splits nuclei from stroma and
// cytoplasm without a per-stain constant.
// Enough to start from (the maxima-of-H idea of QuPath's and HistomicsTK's detectors, without
// their watershed outlines); a user's segmentation (stx predict --cells) is better when there.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace stx {

class Image;

struct NucleusOptions {
  double work_um_per_px = 0.5;   // the scale the maxima are found at (the image's own if coarser)
  double radius_um = 3.0;        // a nucleus's radius: the smoothing is a Gaussian of σ = radius / √2
  double min_distance_um = 4.0;  // maxima closer than this are one nucleus
  double threshold = std::numeric_limits<double>::quiet_NaN();  // haematoxylin OD; NaN = Otsu's
  double floor = 0.05;           // haematoxylin below this is glass: no maximum, not in Otsu's histogram
  int tile_px = 1024;            // tile side at the working scale, without its margin
};

struct DetectedNuclei {
  std::vector<double> x_px, y_px;  // centres in the slide's full-resolution pixels, row-major order
  std::vector<float> hematoxylin;  // each centre's smoothed haematoxylin (OD)
  double threshold = 0.0;          // the one applied
  int64_t maxima = 0;              // maxima at or above the floor, before the threshold
  size_t size() const { return x_px.size(); }
};

/// Detects nuclei on `image` (full-resolution scale `um_per_px`). ConfigError for options out
/// of range. Reads tiles on OpenMP's threads.
DetectedNuclei detect_nuclei(const Image& image, double um_per_px, const NucleusOptions& options = {});

/// Otsu's threshold of a histogram whose bin b covers [lo + b * bin_width, lo + (b + 1) *
/// bin_width): the bin edge that maximises the between-class variance. ShapeError when empty.
double otsu_threshold(const std::vector<double>& counts, double lo, double bin_width);

/// Writes the centres as a table that stx predict --cells reads: cell_id, x, y (pixels),
/// x_um, y_um, hematoxylin. Atomic.
void write_nuclei_table(const DetectedNuclei& nuclei, double um_per_px, const std::string& path);

}  // namespace stx
