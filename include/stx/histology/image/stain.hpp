// H&E colour deconvolution (Ruifrok & Johnston, Anal Quant Cytol Histol 2001): optical
// density OD = -log10((I + 1) / 256) per RGB channel, then stain amounts = OD . inv(M) with M
// the unit-norm H, E and residual (DAB) stain vectors of scikit-image's rgb2hed. Amounts are
// in OD units (0 = none). Deliberately the fixed textbook matrix: per-slide stain estimation
// (Macenko) is a separate, optional step.
#pragma once

#include <opencv2/core.hpp>

namespace stx {

/// Optical density -log10((level + 1) / 256) of each 8-bit level.
const float* optical_density_table();

/// 8-bit RGB patch -> CV_32FC3 of (hematoxylin, eosin, residual) amounts per pixel.
cv::Mat deconvolve_he(const cv::Mat& rgb);

/// The RGB colour (8-bit, before rounding) that given stain amounts produce: the forward
/// model, used to test deconvolution and to render synthetic tissue.
cv::Vec3d compose_he(double hematoxylin, double eosin, double residual = 0.0);

}  // namespace stx
