#include "stx/viz/bar_chart.hpp"

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "stx/core/error.hpp"
#include "stx/viz/colours.hpp"
#include "text.hpp"

namespace stx {
namespace {

constexpr int kMargin = 10;

// The largest extent to either side of zero, parts stacked.
double value_limit(const std::vector<Bar>& bars) {
  double limit = 0;
  for (const Bar& bar : bars) {
    double up = 0, down = 0;
    for (double v : bar.parts) (v > 0 ? up : down) += v;
    limit = std::max({limit, up, -down});
  }
  return limit > 0 ? limit : 1;
}

}  // namespace

cv::Mat bar_chart(const std::vector<Bar>& bars, const std::vector<std::string>& parts, const std::string& title,
                  const std::string& subtitle, const std::string& axis_label, const BarChartStyle& style) {
  STX_CHECK(!bars.empty() && !parts.empty(), ShapeError, "bar chart '{}': {} bars, {} parts", title, bars.size(),
            parts.size());
  for (const Bar& bar : bars)
    STX_CHECK(bar.parts.size() == parts.size(), ShapeError, "bar chart '{}': bar '{}' has {} parts, expected {}",
              title, bar.label, bar.parts.size(), parts.size());
  const int font = style.font_px, small = std::max(9, font * 4 / 5);
  int label_w = 0;
  for (const Bar& bar : bars) label_w = std::max(label_w, viz::text_size(bar.label, small, viz::Weight::kBold).width);
  const int left = kMargin + label_w + 8;
  const int legend_y = kMargin + font + 6 + (subtitle.empty() ? 0 : small + 6);
  const int top = legend_y + small + 12;
  const int rows_h = static_cast<int>(bars.size()) * style.row_h;
  const int width = std::max(left + style.plot_w + kMargin,
                             2 * kMargin + viz::text_size(title, font, viz::Weight::kBold).width);
  cv::Mat out(top + rows_h + 2 * small + 20, width, CV_8UC3, viz::kWhite);

  viz::put_text(out, title, {kMargin, kMargin + font}, font, viz::kInk, viz::Weight::kBold);
  if (!subtitle.empty())
    viz::put_text(out, viz::fit_text(subtitle, small, width - 2 * kMargin), {kMargin, kMargin + font + 6 + small},
                  small, viz::kMuted);
  int x = left;
  for (size_t k = 0; k < parts.size(); ++k) {
    cv::rectangle(out, cv::Rect(x, legend_y + 2, small, small), viz::category_colour(k), cv::FILLED);
    viz::put_text(out, parts[k], {x + small + 4, legend_y + small}, small, viz::kInk);
    x += small + 4 + viz::text_size(parts[k], small).width + 16;
  }

  const double limit = value_limit(bars);
  const double px_per_unit = (style.plot_w / 2 - 4) / limit;
  const int zero_x = left + style.plot_w / 2;
  const auto at = [&](double v) { return zero_x + static_cast<int>(std::lround(v * px_per_unit)); };
  for (size_t b = 0; b < bars.size(); ++b) {
    const Bar& bar = bars[b];
    const int y = top + static_cast<int>(b) * style.row_h;
    viz::put_text(out, bar.label, {left - 8 - viz::text_size(bar.label, small, viz::Weight::kBold).width, y + style.row_h - 5},
                  small, bar.emphasised ? viz::kInk : viz::kMuted, bar.emphasised ? viz::Weight::kBold : viz::Weight::kRegular);
    double up = 0, down = 0, total = 0;
    for (size_t k = 0; k < parts.size(); ++k) {
      const double v = bar.parts[k];
      double& end = v > 0 ? up : down;
      const int a = at(end), z = at(end + v);
      if (a != z) cv::rectangle(out, cv::Rect(std::min(a, z), y + 3, std::abs(z - a), style.row_h - 6),
                                viz::category_colour(k), cv::FILLED);
      end += v;
      total += v;
    }
    cv::line(out, {at(total), y + 1}, {at(total), y + style.row_h - 2}, viz::kInk, 2);
  }
  const int axis_y = top + rows_h + 2;
  cv::line(out, {zero_x, top - 2}, {zero_x, axis_y}, viz::kMuted, 1);
  cv::line(out, {left, axis_y}, {left + style.plot_w, axis_y}, viz::kMuted, 1);
  for (const double v : {-limit, 0.0, limit}) {
    const std::string tick = fmt::format("{:.2g}", v);
    const int tx = std::clamp(at(v) - viz::text_size(tick, small).width / 2, left,
                              left + style.plot_w - viz::text_size(tick, small).width);
    viz::put_text(out, tick, {tx, axis_y + small + 4}, small, viz::kMuted);
  }
  viz::put_text(out, viz::fit_text(axis_label, small, style.plot_w),
                {zero_x - std::min(style.plot_w, viz::text_size(axis_label, small).width) / 2, axis_y + 2 * small + 10},
                small, viz::kMuted);
  return out;
}

}  // namespace stx
