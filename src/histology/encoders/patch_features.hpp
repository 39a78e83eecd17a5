// The 30 morphology features of one RGB patch, the building block of the built-in encoder:
// stain statistics (H&E deconvolution), colour (CIE Lab), texture (gradients, Laplacian, a
// grey-level co-occurrence matrix of hematoxylin) and a nuclei-density proxy (hematoxylin
// blobs of nuclear size). Thresholds are fixed in OD units and sizes in µm, so features
// mean the same at any magnification.
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace stx {

inline constexpr int kPatchFeatureCount = 30;

/// Names with `prefix` (e.g. "spot_", "context_").
std::vector<std::string> patch_feature_names(const std::string& prefix);

/// Writes kPatchFeatureCount values for an 8-bit RGB patch sampled at `um_per_px`.
void patch_features(const cv::Mat& rgb, double um_per_px, float* out);

/// The values at 0-based ranks `ranks` of `v` (what std::nth_element gives, with -0 as +0),
/// faster than nth_element: a histogram of the keys' top 16 bits names the bin of each rank,
/// and only that bin's values are searched. (Three nth_element calls per channel were a
/// quarter of a whole-slide predict's time.)
std::array<float, 3> order_statistics(const std::vector<float>& v, const std::array<size_t, 3>& ranks);

}  // namespace stx
