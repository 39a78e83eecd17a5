#include "stx/io/readers/he_alignment.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <vector>

#include "stx/core/error.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {

Affine2D Affine2D::inverse() const {
  const double det = determinant();
  STX_CHECK(std::isfinite(det) && std::abs(det) > 1e-12, FormatError, "the alignment is singular (determinant {})",
            det);
  Affine2D inv;
  inv.a = e / det;
  inv.b = -b / det;
  inv.d = -d / det;
  inv.e = a / det;
  inv.c = -(inv.a * c + inv.b * f);
  inv.f = -(inv.d * c + inv.e * f);
  return inv;
}

namespace {

std::string_view unquoted(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> fields(const std::string& line) {
  std::vector<std::string_view> out;
  for (auto f : split_fields(line, line.find('\t') != std::string::npos ? '\t' : ',')) out.push_back(unquoted(f));
  return out;
}

HeAlignment read_matrix(TextLines& lines, std::string first, const std::string& path, double pixel_size) {
  double m[3][3];
  std::string line = std::move(first);
  for (int r = 0; r < 3; ++r) {
    if (r > 0) STX_CHECK(lines.next(line), FormatError, "{}: {} lines; the alignment matrix has 3", path, r);
    const auto f = fields(line);
    STX_CHECK(f.size() == 3, FormatError, "{}: line {}: {} numbers; a 3 x 3 alignment matrix has 3 a line", path,
              lines.line_number(), f.size());
    for (int c = 0; c < 3; ++c) m[r][c] = parse_double(f[static_cast<size_t>(c)], lines, "matrix");
  }
  STX_CHECK(std::abs(m[2][0]) < 1e-9 && std::abs(m[2][1]) < 1e-9 && std::abs(m[2][2] - 1) < 1e-9, FormatError,
            "{}: line 3: {}, {}, {}; an affine alignment ends in 0, 0, 1 (projective ones are not supported)", path,
            m[2][0], m[2][1], m[2][2]);
  // H&E px -> morphology px, then x pixel_size -> µm
  HeAlignment out;
  out.kind = "matrix";
  out.he_px_to_um = {m[0][0] * pixel_size, m[0][1] * pixel_size, m[0][2] * pixel_size,
                     m[1][0] * pixel_size, m[1][1] * pixel_size, m[1][2] * pixel_size};
  out.he_px_to_um.inverse();  // refuses a singular matrix here, naming it below
  return out;
}

HeAlignment fit_keypoints(TextLines& lines, const std::vector<std::string_view>& header, const std::string& path) {
  const size_t fx = require_column(header, "fixedX", lines), fy = require_column(header, "fixedY", lines);
  const size_t ax = require_column(header, "alignmentX", lines), ay = require_column(header, "alignmentY", lines);
  std::vector<double> he_x, he_y, um_x, um_y;
  std::string line;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = fields(line);
    STX_CHECK(f.size() == header.size(), FormatError, "{}: line {}: {} fields, the header has {}", path,
              lines.line_number(), f.size(), header.size());
    um_x.push_back(parse_double(f[fx], lines, "fixedX"));
    um_y.push_back(parse_double(f[fy], lines, "fixedY"));
    he_x.push_back(parse_double(f[ax], lines, "alignmentX"));
    he_y.push_back(parse_double(f[ay], lines, "alignmentY"));
  }
  const auto n = static_cast<Eigen::Index>(he_x.size());
  STX_CHECK(n >= 3, FormatError, "{}: {} keypoints; an affine alignment needs at least 3", path, n);
  Eigen::MatrixXd design(n, 3);
  Eigen::MatrixXd target(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    design.row(i) << he_x[static_cast<size_t>(i)], he_y[static_cast<size_t>(i)], 1.0;
    target.row(i) << um_x[static_cast<size_t>(i)], um_y[static_cast<size_t>(i)];
  }
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(design, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const auto& s = svd.singularValues();
  STX_CHECK(s(2) > 1e-9 * s(0), FormatError, "{}: the {} keypoints' H&E positions lie on one line; an affine "
            "alignment needs three that do not", path, n);
  const Eigen::MatrixXd coef = svd.solve(target);  // 3 x 2
  HeAlignment out;
  out.kind = "keypoints";
  out.keypoints = static_cast<int>(n);
  out.he_px_to_um = {coef(0, 0), coef(1, 0), coef(2, 0), coef(0, 1), coef(1, 1), coef(2, 1)};
  out.rms_um = std::sqrt((design * coef - target).rowwise().squaredNorm().mean());
  return out;
}

}  // namespace

HeAlignment read_he_alignment(const std::string& path, double pixel_size) {
  TextLines lines(path);
  std::string first;
  STX_CHECK(lines.next(first), FormatError,
            "{}: empty; expected a 3 x 3 alignment matrix or keypoints (fixedX,fixedY,alignmentX,alignmentY)", path);
  const auto header = fields(first);
  const bool keypoints = std::find(header.begin(), header.end(), "fixedX") != header.end();
  try {
    return keypoints ? fit_keypoints(lines, header, path) : read_matrix(lines, first, path, pixel_size);
  } catch (const FormatError& e) {
    const std::string what = e.what();
    if (what.rfind(path, 0) == 0) throw;
    throw FormatError(fmt::format("{}: {}", path, what));
  }
}

}  // namespace stx
