#include "stx/viz/figure.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <fstream>

#include "stx/viz/colours.hpp"
#include "stx/core/error.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "text.hpp"

namespace stx {

cv::Mat hstack_panels(const std::vector<cv::Mat>& panels, int gap) {
  STX_CHECK(!panels.empty(), ShapeError, "figure: no panels to lay out");
  int width = 0, height = 0;
  for (const auto& p : panels) {
    width += p.cols + gap;
    height = std::max(height, p.rows);
  }
  cv::Mat out(height, width - gap, CV_8UC3, viz::kWhite);
  int x = 0;
  for (const auto& p : panels) {
    p.copyTo(out(cv::Rect(x, 0, p.cols, p.rows)));
    x += p.cols + gap;
  }
  return out;
}

cv::Mat grid_panels(const std::vector<cv::Mat>& panels, int columns, int gap) {
  STX_CHECK(!panels.empty() && columns > 0, ShapeError, "figure: no panels to lay out");
  int cell_w = 0, cell_h = 0;
  for (const auto& p : panels) {
    cell_w = std::max(cell_w, p.cols);
    cell_h = std::max(cell_h, p.rows);
  }
  const int n = static_cast<int>(panels.size());
  const int cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  cv::Mat out(rows * (cell_h + gap) - gap, cols * (cell_w + gap) - gap, CV_8UC3, viz::kWhite);
  for (int i = 0; i < n; ++i) {
    const auto& p = panels[static_cast<size_t>(i)];
    p.copyTo(out(cv::Rect((i % cols) * (cell_w + gap), (i / cols) * (cell_h + gap), p.cols,
                          p.rows)));
  }
  return out;
}

cv::Mat with_heading(const cv::Mat& figure, const std::string& heading, int font_px) {
  cv::Mat band(font_px + 24, figure.cols, CV_8UC3, viz::kWhite);
  viz::put_text(band, viz::fit_text(heading, font_px, figure.cols - 20, viz::Weight::kBold),
                {10, font_px + 12}, font_px, viz::kInk, viz::Weight::kBold);
  cv::Mat out;
  cv::vconcat(band, figure, out);
  return out;
}

std::vector<unsigned char> encode_png(const cv::Mat& image) {
  std::vector<unsigned char> bytes;
  STX_CHECK(!image.empty() && cv::imencode(".png", image, bytes), FormatError,
            "figure: could not encode a {}x{} image as PNG", image.cols, image.rows);
  return bytes;
}

void write_png(const cv::Mat& image, const std::string& path) {
  const auto bytes = encode_png(image);
  write_text_atomically(path, std::string(bytes.begin(), bytes.end()));
}

void write_png(const cv::Mat& image, const std::string& path, StagedFiles& files) {
  const auto bytes = encode_png(image);
  files.write(path, std::string(bytes.begin(), bytes.end()));
}

}  // namespace stx
