#include "stx/viz/heatmap.hpp"

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "stx/viz/colours.hpp"
#include "stx/core/error.hpp"
#include "text.hpp"

namespace stx {
namespace {

constexpr int kMargin = 10;

}  // namespace

cv::Mat heatmap(const std::vector<double>& values, const std::vector<std::string>& row_names,
                const std::vector<std::string>& column_names, const std::string& title,
                const std::string& subtitle, const HeatmapStyle& style) {
  const int rows = static_cast<int>(row_names.size()), cols = static_cast<int>(column_names.size());
  STX_CHECK(rows > 0 && cols > 0 && values.size() == static_cast<size_t>(rows) * static_cast<size_t>(cols),
            ShapeError, "heatmap '{}': {} values for {} x {} cells", title, values.size(), rows, cols);
  const int font = style.font_px, small = std::max(9, font * 4 / 5);
  int name_w = 0;
  for (const auto& n : row_names) name_w = std::max(name_w, viz::text_size(n, small).width);
  const int left = kMargin + name_w + 6;
  const int top = kMargin + font + 6 + (subtitle.empty() ? 0 : small + 6) + font + 10;
  const int bar_h = 12, bottom = kMargin + bar_h + small + 14;
  const int grid_w = cols * style.cell_w, bar_w = std::max(grid_w, 120);
  const int width = std::max(left + bar_w + kMargin, 2 * kMargin + viz::text_size(title, font, viz::Weight::kBold).width);
  cv::Mat out(top + rows * style.cell_h + bottom, width, CV_8UC3, viz::kWhite);

  viz::put_text(out, title, {kMargin, kMargin + font}, font, viz::kInk, viz::Weight::kBold);
  if (!subtitle.empty())
    viz::put_text(out, viz::fit_text(subtitle, small, width - 2 * kMargin), {kMargin, kMargin + font + 6 + small},
                  small, viz::kMuted);
  const std::map<std::string, size_t> colour_of = viz::category_indices(column_names);
  for (int c = 0; c < cols; ++c) {
    const cv::Rect head(left + c * style.cell_w + 1, top - font - 8, style.cell_w - 2, font + 4);
    const std::string label = viz::fit_text(column_names[static_cast<size_t>(c)], small, head.width - 4);
    const cv::Size size = viz::text_size(label, small);
    const auto swatch = colour_of.find(column_names[static_cast<size_t>(c)]);
    if (style.column_swatches)
      cv::rectangle(out, head, swatch == colour_of.end() ? viz::kMissing : viz::category_colour(swatch->second), cv::FILLED);
    viz::put_text(out, label, {head.x + (head.width - size.width) / 2, head.y + head.height - 4}, small,
                  style.column_swatches ? viz::kWhite : viz::kInk, viz::Weight::kBold);
  }
  for (int r = 0; r < rows; ++r) {
    const int y = top + r * style.cell_h;
    const std::string& name = row_names[static_cast<size_t>(r)];
    viz::put_text(out, name, {left - 6 - viz::text_size(name, small).width, y + style.cell_h - 4}, small, viz::kInk);
    for (int c = 0; c < cols; ++c) {
      const double v = values[static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c)];
      const cv::Scalar colour = std::isfinite(v) ? viz::red_blue(v / style.limit) : viz::kMissing;
      cv::rectangle(out, cv::Rect(left + c * style.cell_w, y, style.cell_w, style.cell_h), colour, cv::FILLED);
    }
  }
  cv::rectangle(out, cv::Rect(left, top, grid_w, rows * style.cell_h), viz::kMuted, 1);

  // Colour bar: -limit .. +limit across the grid's width, clipped ends marked.
  const int bar_y = top + rows * style.cell_h + 10;
  for (int x = 0; x < bar_w; ++x)
    cv::line(out, {left + x, bar_y}, {left + x, bar_y + bar_h}, viz::red_blue(2.0 * x / (bar_w - 1) - 1));
  const std::string lo = fmt::format("\xE2\x89\xA4 {:g}", -style.limit), hi = fmt::format("\xE2\x89\xA5 {:g}", style.limit);
  viz::put_text(out, lo, {left, bar_y + bar_h + small + 2}, small, viz::kMuted);
  viz::put_text(out, "0", {left + bar_w / 2 - 3, bar_y + bar_h + small + 2}, small, viz::kMuted);
  viz::put_text(out, hi, {left + bar_w - viz::text_size(hi, small).width, bar_y + bar_h + small + 2}, small, viz::kMuted);
  return out;
}

}  // namespace stx
