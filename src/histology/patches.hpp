// Cutting the patches an encoder sees, shared by every encoder: the checks a slide must pass
// and the patch of each spot, flagged when it extends past the image.
#pragma once

#include <opencv2/core.hpp>

#include <vector>

#include "stx/histology/encoder.hpp"

namespace stx {

/// IoError/FormatError unless the slide has an image, coordinates and a known µm/px.
void check_encodable(const Slide& slide, const PatchGeometry& patch);

/// Patches of spots [begin, end), `scale` x the patch side, resampled to `out_px`; sets
/// off_image[i] for spots whose (scale 1) patch extends past the image. Parallel over spots.
std::vector<cv::Mat> cut_patches(const Slide& slide, const PatchGeometry& patch, int64_t begin,
                                 int64_t end, double scale, int out_px,
                                 std::vector<uint8_t>& off_image);

}  // namespace stx
