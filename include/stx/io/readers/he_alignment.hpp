// A post-Xenium H&E's registration to the Xenium data, as Xenium Explorer exports it:
//  - the image alignment matrix (`*_he_imagealignment.csv`): three lines of three numbers, the
//    affine map from H&E pixels to Xenium morphology-image pixels (µm / pixel_size), last row
//    0, 0, 1 (10x's knowledge base describes it this way);
//  - or its keypoints (`*_keypoints.csv`, header fixedX,fixedY,alignmentX,alignmentY): pairs of
//    a Xenium point in µm (fixed) and the same point in H&E pixels (alignment), to which an
//    affine map is fitted by least squares.
// Either way the result maps H&E pixels to Xenium µm, and is inverted to place cells.
#pragma once

#include <string>

namespace stx {

struct Affine2D {
  // x' = a * x + b * y + c;  y' = d * x + e * y + f
  double a = 1, b = 0, c = 0, d = 0, e = 1, f = 0;
  Affine2D inverse() const;  // FormatError when singular
  double determinant() const { return a * e - b * d; }
  double x(double px, double py) const { return a * px + b * py + c; }
  double y(double px, double py) const { return d * px + e * py + f; }
};

struct HeAlignment {
  Affine2D he_px_to_um;
  std::string kind;       // "matrix" or "keypoints"
  int keypoints = 0;      // how many were fitted
  double rms_um = 0.0;    // the keypoints' residual after the fit (0 for a matrix)
};

/// Reads `path` (either form, told apart by its first line); `pixel_size` is experiment.xenium's
/// µm per morphology pixel. FormatError naming the file and line for anything else, for fewer
/// than three keypoints, collinear keypoints, or a matrix that is not affine or is singular.
HeAlignment read_he_alignment(const std::string& path, double pixel_size);

}  // namespace stx
