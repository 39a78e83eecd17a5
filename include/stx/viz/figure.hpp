// Putting panels together and writing them: side-by-side rows, grids, a figure title, PNG.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "stx/io/files/atomic_file.hpp"

namespace stx {

/// Panels left to right, tops aligned, on white, `gap` pixels apart.
cv::Mat hstack_panels(const std::vector<cv::Mat>& panels, int gap = 12);

/// Panels in rows of `columns`, each cell the size of the largest panel.
cv::Mat grid_panels(const std::vector<cv::Mat>& panels, int columns, int gap = 8);

/// A title band above `figure`.
cv::Mat with_heading(const cv::Mat& figure, const std::string& heading, int font_px = 22);

/// PNG bytes of an 8-bit BGR image (what the HTML report embeds).
std::vector<unsigned char> encode_png(const cv::Mat& image);

/// Writes `image` as PNG atomically; IoError naming the path on failure.
void write_png(const cv::Mat& image, const std::string& path);

/// The same, staged in `files` with a command's other outputs (they appear together).
void write_png(const cv::Mat& image, const std::string& path, StagedFiles& files);

}  // namespace stx
