#include "stx/viz/spot_map.hpp"

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "stx/viz/colours.hpp"
#include "stx/core/error.hpp"
#include "stx/io/slide/spot_graph.hpp"
#include "stx/stats/stats.hpp"
#include "text.hpp"

namespace stx {
namespace {

constexpr int kMargin = 10;
constexpr double kMaxAspect = 1.3;  // a tall section is shrunk, not drawn as a strip

std::string tick_label(double v) { return fmt::format("{:.3g}", v); }

// 1, 2 or 5 x 10^k µm, the largest not above `target_um`.
double nice_length_um(double target_um) {
  const double decade = std::pow(10.0, std::floor(std::log10(target_um)));
  for (double step : {5.0, 2.0, 1.0})
    if (step * decade <= target_um) return step * decade;
  return decade;
}

std::string length_label(double um) {
  return um >= 1000 ? fmt::format("{:g} mm", um / 1000) : fmt::format("{:g} \xC2\xB5m", um);
}

// The title band: bold title, optional muted subtitle; returns the band.
cv::Mat title_band(const std::string& title, const std::string& subtitle, int width,
                   int font_px) {
  const int sub_px = std::max(10, font_px * 4 / 5);
  const int height = kMargin + font_px + (subtitle.empty() ? 0 : sub_px + 6) + 8;
  cv::Mat band(height, width, CV_8UC3, viz::kWhite);
  const int max_w = width - 2 * kMargin;
  viz::put_text(band, viz::fit_text(title, font_px, max_w, viz::Weight::kBold),
                {kMargin, kMargin + font_px}, font_px, viz::kInk, viz::Weight::kBold);
  if (!subtitle.empty())
    viz::put_text(band, viz::fit_text(subtitle, sub_px, max_w),
                  {kMargin, kMargin + font_px + 6 + sub_px}, sub_px, viz::kMuted);
  return band;
}

cv::Mat stack_vertically(const cv::Mat& top, const cv::Mat& bottom) {
  cv::Mat out;
  cv::vconcat(top, bottom, out);
  return out;
}

}  // namespace

MapCanvas::MapCanvas(SpotGeometry geometry, const MapStyle& style)
    : geometry_(std::move(geometry)), style_(style) {
  const auto& g = geometry_;
  STX_CHECK(!g.x.empty() && g.x.size() == g.y.size(), ShapeError,
            "map: {} x and {} y spot coordinates (need the same number, at least one)",
            g.x.size(), g.y.size());
  if (!(g.spot_diameter_px > 0)) {
    const double pitch = median_nearest_distance(g.x, g.y);
    geometry_.spot_diameter_px = std::isfinite(pitch) ? 0.9 * pitch : 50.0;
  }
  const double d = geometry_.spot_diameter_px;
  const auto [x_lo, x_hi] = std::minmax_element(g.x.begin(), g.x.end());
  const auto [y_lo, y_hi] = std::minmax_element(g.y.begin(), g.y.end());
  region_ = cv::Rect2d(*x_lo - d, *y_lo - d, *x_hi - *x_lo + 2 * d, *y_hi - *y_lo + 2 * d);

  const double width = style_.map_width_px;
  scale_ = std::min(width / region_.width, kMaxAspect * width / region_.height);
  const cv::Size size(std::max(1, static_cast<int>(std::lround(region_.width * scale_))),
                      std::max(1, static_cast<int>(std::lround(region_.height * scale_))));
  if (g.image) {
    cv::cvtColor(g.image->read_region(region_, size), background_, cv::COLOR_RGB2BGR);
    cv::addWeighted(background_, 1 - style_.image_fade,
                    cv::Mat(size, CV_8UC3, viz::kWhite), style_.image_fade, 0, background_);
  } else {
    background_ = cv::Mat(size, CV_8UC3, cv::Scalar(248, 248, 248));
  }
}

cv::Mat MapCanvas::draw_spots(const std::vector<cv::Scalar>& colours,
                              const std::vector<bool>& filled) const {
  constexpr int kShift = 4;  // sub-pixel centres: OpenCV's fixed-point drawing
  cv::Mat overlay = background_.clone();
  const double radius = std::max(1.5, 0.5 * geometry_.spot_diameter_px * scale_);
  for (size_t i = 0; i < geometry_.x.size(); ++i) {
    const cv::Point centre(
        static_cast<int>(std::lround((geometry_.x[i] - region_.x) * scale_ * (1 << kShift))),
        static_cast<int>(std::lround((geometry_.y[i] - region_.y) * scale_ * (1 << kShift))));
    const int r = static_cast<int>(std::lround(radius * (1 << kShift)));
    cv::circle(overlay, centre, r, colours[i], filled[i] ? cv::FILLED : 1, cv::LINE_AA, kShift);
  }
  cv::Mat out;
  cv::addWeighted(overlay, style_.spot_opacity, background_, 1 - style_.spot_opacity, 0, out);

  if (style_.scale_bar && geometry_.um_per_px > 0 && std::isfinite(geometry_.um_per_px)) {
    const double um_per_panel_px = geometry_.um_per_px / scale_;
    const double length_um = nice_length_um(0.25 * out.cols * um_per_panel_px);
    const int length_px = static_cast<int>(std::lround(length_um / um_per_panel_px));
    const int font = std::max(10, style_.font_px * 4 / 5);
    const cv::Point left(kMargin, out.rows - kMargin);
    cv::rectangle(out, {left.x - 4, left.y - font - 12}, {left.x + length_px + 4, left.y + 4},
                  viz::kWhite, cv::FILLED);
    cv::line(out, left, {left.x + length_px, left.y}, viz::kInk, 3);
    viz::put_text(out, length_label(length_um), {left.x, left.y - 7}, font, viz::kInk);
  }
  return out;
}

std::pair<double, double> default_colour_range(const std::vector<double>& finite) {
  if (finite.empty()) return {0.0, 1.0};
  const std::vector<double> ends = percentiles(finite, {0.01, 0.99});
  return {ends[0], ends[1]};
}

cv::Mat MapCanvas::continuous(const std::vector<double>& values, const std::string& title,
                              const ColourRange& range, const std::string& subtitle) const {
  STX_CHECK(static_cast<int64_t>(values.size()) == n_spots(), ShapeError,
            "map '{}': {} values for {} spots", title, values.size(), n_spots());
  std::vector<double> finite;
  for (double v : values)
    if (std::isfinite(v)) finite.push_back(v);
  const auto [p1, p99] = default_colour_range(finite);
  double lo = range.vmin.value_or(p1);
  double hi = range.vmax.value_or(p99);
  if (range.centred) {
    hi = std::max(std::abs(lo), std::abs(hi));
    lo = -hi;
  }
  if (!(hi > lo)) hi = lo + 1e-9;
  // t in [0, 1] along the range
  const auto colour = [&](double t) { return range.centred ? viz::red_blue(2 * t - 1) : viz::viridis(t); };
  const bool clipped_low = !finite.empty() && *std::min_element(finite.begin(), finite.end()) < lo;
  const bool clipped_high = !finite.empty() && *std::max_element(finite.begin(), finite.end()) > hi;

  std::vector<cv::Scalar> colours(values.size());
  std::vector<bool> filled(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    filled[i] = std::isfinite(values[i]);
    colours[i] = filled[i] ? colour((values[i] - lo) / (hi - lo)) : viz::kMissing;
  }
  const cv::Mat map = draw_spots(colours, filled);

  // Colour bar: a vertical ramp beside the map with three ticks.
  const int tick_px = std::max(10, style_.font_px * 4 / 5);
  const std::vector<double> ticks = {hi, 0.5 * (lo + hi), lo};
  std::vector<std::string> labels;
  int label_w = 0;
  for (size_t t = 0; t < ticks.size(); ++t) {
    std::string s = tick_label(ticks[t]);
    if (t == 0 && clipped_high) s = ">" + s;
    if (t == 2 && clipped_low) s = "<" + s;
    label_w = std::max(label_w, viz::text_size(s, tick_px).width);
    labels.push_back(s);
  }
  const int bar_w = 14;
  const int side_w = style_.colour_bar ? kMargin + bar_w + 6 + label_w + kMargin : kMargin;
  cv::Mat body(map.rows + kMargin, kMargin + map.cols + side_w, CV_8UC3, viz::kWhite);
  map.copyTo(body(cv::Rect(kMargin, 0, map.cols, map.rows)));
  if (style_.colour_bar) {
    const int bar_h = std::max(40, map.rows * 2 / 3);
    const int x0 = kMargin + map.cols + kMargin, y0 = (map.rows - bar_h) / 2;
    for (int row = 0; row < bar_h; ++row)
      cv::line(body, {x0, y0 + row}, {x0 + bar_w - 1, y0 + row},
               colour(1.0 - static_cast<double>(row) / (bar_h - 1)));
    cv::rectangle(body, {x0, y0}, {x0 + bar_w - 1, y0 + bar_h - 1}, viz::kMuted, 1);
    for (size_t t = 0; t < ticks.size(); ++t) {
      const int y = y0 + static_cast<int>(t) * (bar_h - 1) / 2;
      cv::line(body, {x0 + bar_w, y}, {x0 + bar_w + 3, y}, viz::kMuted, 1);
      viz::put_text(body, labels[t], {x0 + bar_w + 6, y + tick_px / 2 - 1}, tick_px, viz::kInk);
    }
  }
  return stack_vertically(title_band(title, subtitle, body.cols, style_.font_px), body);
}

cv::Mat MapCanvas::categorical(const std::vector<std::string>& labels, const std::string& title,
                               const std::string& subtitle) const {
  STX_CHECK(static_cast<int64_t>(labels.size()) == n_spots(), ShapeError,
            "map '{}': {} labels for {} spots", title, labels.size(), n_spots());
  std::map<std::string, int64_t> counts;
  for (const auto& l : labels)
    if (!l.empty()) ++counts[l];
  const std::map<std::string, size_t> index = viz::category_indices(labels);

  std::vector<cv::Scalar> colours(labels.size());
  std::vector<bool> filled(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    filled[i] = !labels[i].empty();
    colours[i] = filled[i] ? viz::category_colour(index.at(labels[i])) : viz::kMissing;
  }
  const cv::Mat map = draw_spots(colours, filled);

  const int font = std::max(10, style_.font_px * 4 / 5);
  const int row_h = font + 8;
  std::vector<std::string> entries;
  int legend_w = 0;
  for (const auto& [name, n] : counts) {
    entries.push_back(fmt::format("{} ({})", name, n));
    legend_w = std::max(legend_w, viz::text_size(entries.back(), font).width);
  }
  const int side_w = kMargin + 18 + legend_w + kMargin;
  const int legend_h = static_cast<int>(entries.size()) * row_h;
  cv::Mat body(std::max(map.rows, legend_h) + kMargin, kMargin + map.cols + side_w, CV_8UC3,
               viz::kWhite);
  map.copyTo(body(cv::Rect(kMargin, 0, map.cols, map.rows)));
  const int x0 = kMargin + map.cols + kMargin;
  for (size_t k = 0; k < entries.size(); ++k) {
    const int y = static_cast<int>(k) * row_h + row_h / 2;
    cv::circle(body, {x0 + 6, y}, 6, viz::category_colour(k), cv::FILLED, cv::LINE_AA);
    viz::put_text(body, entries[k], {x0 + 18, y + font / 2 - 1}, font, viz::kInk);
  }
  return stack_vertically(title_band(title, subtitle, body.cols, style_.font_px), body);
}

}  // namespace stx
