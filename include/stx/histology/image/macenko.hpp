// Macenko stain normalisation (Macenko et al., ISBI 2009): estimate a slide's hematoxylin and
// eosin optical-density vectors from its tissue pixels (the plane of the two main directions
// of OD, and the robust extreme angles in it), then re-render patches with a reference
// slide's stain vectors and concentration scale. Used to make features comparable across
// labs and scanners; off by default.
#pragma once

#include <opencv2/core.hpp>

namespace stx {

struct StainBasis {
  cv::Vec3d hematoxylin;          // unit OD vectors (natural log), R, G, B
  cv::Vec3d eosin;
  cv::Vec2d max_concentration;    // 99th percentile of each stain's concentration
};

struct MacenkoOptions {
  // Tissue = pixels whose OD vector norm exceeds this. The original thresholds every channel,
  // which drops pale pure-eosin pixels (eosin barely absorbs red) and biases the eosin vector.
  double min_od = 0.15;
  double angle_percentile = 1;  // robust extremes of the angle distribution, in percent
};

/// Fits the stain basis of an 8-bit RGB image of tissue (e.g. a slide thumbnail).
/// FormatError if fewer than 100 tissue pixels are found.
StainBasis fit_macenko(const cv::Mat& rgb, const MacenkoOptions& options = {});

/// Re-renders `rgb` (stained as `source`) with the stains and scale of `target`.
cv::Mat normalize_stain(const cv::Mat& rgb, const StainBasis& source, const StainBasis& target);

/// The 8-bit RGB colour of stain concentrations (h, e) under `basis` (natural-log OD).
cv::Vec3b render_stains(const StainBasis& basis, double h, double e);

}  // namespace stx
