// Colours of the maps: viridis for continuous values (perceptually uniform, readable in grey
// and by most colour-blind readers; OpenCV's table), RdBu for signed ones, and a categorical palette for domains
// and labels (matplotlib's tab10, then tab20's lighter tones, as scanpy colours categories).
#pragma once

#include <opencv2/core.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace stx::viz {

/// Viridis at t in [0, 1] (clamped), BGR.
cv::Scalar viridis(double t);

/// ColorBrewer's RdBu (5 classes, interpolated) at t in [-1, 1] (clamped), BGR: blue below 0,
/// near-white at 0, red above. For signed values, whose 0 means "no effect".
cv::Scalar red_blue(double t);

/// The i-th categorical colour, BGR; cycles after 20.
cv::Scalar category_colour(size_t i);

/// Each distinct non-empty name's colour index: its rank among the sorted names. Maps and
/// heatmaps both colour categories through this, so a domain has one colour in both.
std::map<std::string, size_t> category_indices(const std::vector<std::string>& names);

inline const cv::Scalar kWhite(255, 255, 255);
inline const cv::Scalar kInk(40, 40, 40);       // text and lines
inline const cv::Scalar kMuted(110, 110, 110);  // secondary text
inline const cv::Scalar kMissing(170, 170, 170);

}  // namespace stx::viz
