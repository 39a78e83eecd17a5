// Text on figures: DejaVu Sans through OpenCV's FreeType module when the font is installed
// (fonts-dejavu-core; µm and other UTF-8 render), else OpenCV's built-in Hershey font with
// non-ASCII spelled out ("um"). Single-threaded use: figures are drawn on one thread.
#pragma once

#include <opencv2/core.hpp>

#include <string>

namespace stx::viz {

enum class Weight { kRegular, kBold };

/// Size of `text` at `height_px` (cap height to descender, roughly the font size).
cv::Size text_size(const std::string& text, int height_px, Weight weight = Weight::kRegular);

/// Draws `text` with its baseline starting at `baseline_left`.
void put_text(cv::Mat& image, const std::string& text, cv::Point baseline_left, int height_px,
              const cv::Scalar& colour, Weight weight = Weight::kRegular);

/// Shortens `text` with "…" until it fits `max_width` pixels.
std::string fit_text(const std::string& text, int height_px, int max_width,
                     Weight weight = Weight::kRegular);

}  // namespace stx::viz
