#include "stx/histology/image/nuclei.hpp"

#include <omp.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "stx/core/error.hpp"
#include "stx/core/first_error.hpp"
#include "stx/histology/image/stain.hpp"
#include "stx/io/image/image.hpp"
#include "stx/io/files/tsv_writer.hpp"

namespace stx {
namespace {

struct Peak {
  double x_px, y_px;  // full resolution
  float h;
};

void check_options(const NucleusOptions& o) {
  STX_CHECK(o.work_um_per_px > 0.05 && o.work_um_per_px <= 4.0, ConfigError,
            "nuclei: working scale {} µm/px (0.05 to 4 expected)", o.work_um_per_px);
  STX_CHECK(o.radius_um >= 2 * o.work_um_per_px && o.radius_um <= 50, ConfigError,
            "nuclei: radius {} µm (2 working pixels, {} µm, to 50 expected)", o.radius_um, 2 * o.work_um_per_px);
  STX_CHECK(o.min_distance_um >= o.work_um_per_px && o.min_distance_um <= 100, ConfigError,
            "nuclei: minimum distance {} µm (one working pixel to 100 expected)", o.min_distance_um);
  STX_CHECK(std::isnan(o.threshold) || (o.threshold >= 0 && o.threshold < 10), ConfigError,
            "nuclei: threshold {} (a haematoxylin OD, 0 to 10, expected)", o.threshold);
  STX_CHECK(o.tile_px >= 64 && o.tile_px <= 8192, ConfigError, "nuclei: tile of {} px (64 to 8192 expected)",
            o.tile_px);
}

// The smoothed haematoxylin of tissue (at or above the floor: glass is left out) in bins of
// kBinOd OD from the floor; Otsu's threshold over it splits nuclei from the rest of the tissue.
constexpr double kBinOd = 0.005;
constexpr int kBins = 600;  // up to floor + 3 OD; darker pixels share the last bin

struct TileResult {
  std::vector<Peak> peaks;
  std::vector<double> histogram = std::vector<double>(kBins, 0.0);
};

// The maxima of one tile's core: the tile is read with a margin wide enough that smoothing and
// the maximum filter see the same neighbours as on the whole slide.
TileResult tile_peaks(const Image& image, double scale, int64_t tx, int64_t ty, int core, int margin,
                      double sigma_px, const cv::Mat& disc, const cv::Mat& blur_reach, double floor) {
  const int side = core + 2 * margin;
  const double x0 = static_cast<double>(tx * core - margin) * scale;
  const double y0 = static_cast<double>(ty * core - margin) * scale;
  const cv::Mat rgb = image.read_region({x0, y0, side * scale, side * scale}, {side, side});
  cv::Mat stains = deconvolve_he(rgb), h;
  cv::extractChannel(stains, h, 0);
  cv::GaussianBlur(h, h, cv::Size(), sigma_px, sigma_px, cv::BORDER_REPLICATE);
  cv::Mat neighbourhood_max, around_min, around_max, plateau_value, plateau_in_disc, plateau_in_reach;
  cv::dilate(h, neighbourhood_max, disc, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
  // A pixel whose 8 neighbours all share its value lies inside a plateau wider than the
  // smoothing (a uniform black border, a pen mark, a blank image): no nucleus is that flat
  // after the blur. A pixel is no maximum when its disc holds a plateau of its own value (the
  // plateau itself and its rim; on a uniform image scikit-image finds no peak either), and
  // takes no part in Otsu's threshold when it is on a plateau or within the blur's reach of a
  // higher one (a black border's blurred edge would pull the threshold above every nucleus).
  const cv::Mat square = cv::Mat::ones(3, 3, CV_8U);
  cv::erode(h, around_min, square, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
  cv::dilate(h, around_max, square, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
  plateau_value = cv::Mat(h.size(), CV_32F, cv::Scalar(-1.0f));
  h.copyTo(plateau_value, (around_min == h) & (around_max == h));
  cv::dilate(plateau_value, plateau_in_disc, disc, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
  cv::dilate(plateau_value, plateau_in_reach, blur_reach, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
  TileResult out;
  const auto width = static_cast<double>(image.width()), height = static_cast<double>(image.height());
  for (int r = margin; r < margin + core; ++r) {
    const double y = y0 + (r + 0.5) * scale;
    if (y >= height) break;
    const float* v = h.ptr<float>(r);
    const float* m = neighbourhood_max.ptr<float>(r);
    const float* same_plateau = plateau_in_disc.ptr<float>(r);
    const float* higher_plateau = plateau_in_reach.ptr<float>(r);
    for (int c = margin; c < margin + core; ++c) {
      const double x = x0 + (c + 0.5) * scale;
      if (x >= width) break;
      if (v[c] < floor || higher_plateau[c] >= v[c]) continue;
      out.histogram[static_cast<size_t>(std::min(kBins - 1, static_cast<int>((v[c] - floor) / kBinOd)))] += 1;
      if (v[c] >= m[c] && same_plateau[c] < v[c]) out.peaks.push_back({x, y, v[c]});
    }
  }
  return out;
}

// A true disc (x² + y² <= r²), as scikit-image's disk(r); OpenCV's MORPH_ELLIPSE is narrower.
cv::Mat disc_kernel(int radius) {
  cv::Mat disc(2 * radius + 1, 2 * radius + 1, CV_8U);
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx)
      disc.at<uchar>(dy + radius, dx + radius) = dx * dx + dy * dy <= radius * radius ? 1 : 0;
  return disc;
}

// Keeps one of maxima within `distance` of each other. Inside the maximum filter's disc only
// equal values can both be maxima (a plateau gives several pixels of one value): greedy,
// highest first, on a grid of `distance` cells.
std::vector<Peak> suppress_ties(std::vector<Peak> peaks, double distance) {
  // highest first, ties by position: the same maxima give the same survivors in any tiling
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) {
    if (a.h != b.h) return a.h > b.h;
    return a.y_px != b.y_px ? a.y_px < b.y_px : a.x_px < b.x_px;
  });
  std::unordered_map<int64_t, std::vector<size_t>> grid;
  const auto cell = [&](double v) { return static_cast<int64_t>(std::floor(v / distance)); };
  const auto key = [](int64_t cx, int64_t cy) { return cx * 73856093LL ^ cy * 19349663LL; };
  std::vector<Peak> kept;
  const double d2 = distance * distance;
  for (const Peak& p : peaks) {
    const int64_t cx = cell(p.x_px), cy = cell(p.y_px);
    bool near = false;
    for (int64_t dy = -1; dy <= 1 && !near; ++dy)
      for (int64_t dx = -1; dx <= 1 && !near; ++dx) {
        const auto it = grid.find(key(cx + dx, cy + dy));
        if (it == grid.end()) continue;
        for (size_t k : it->second) {
          const double ex = kept[k].x_px - p.x_px, ey = kept[k].y_px - p.y_px;
          if (ex * ex + ey * ey <= d2) { near = true; break; }
        }
      }
    if (near) continue;
    grid[key(cx, cy)].push_back(kept.size());
    kept.push_back(p);
  }
  return kept;
}

}  // namespace

double otsu_threshold(const std::vector<double>& counts, double lo, double bin_width) {
  const size_t bins = counts.size();
  double total = 0, sum_all = 0;
  for (size_t b = 0; b < bins; ++b) {
    total += counts[b];
    sum_all += counts[b] * (lo + (static_cast<double>(b) + 0.5) * bin_width);
  }
  STX_CHECK(total > 0, ShapeError, "otsu_threshold: an empty histogram");
  double below = 0, sum_below = 0, best = -1, threshold = lo;
  for (size_t b = 0; b + 1 < bins; ++b) {
    below += counts[b];
    sum_below += counts[b] * (lo + (static_cast<double>(b) + 0.5) * bin_width);
    const double above = total - below;
    if (below == 0 || above == 0) continue;
    const double mean_below = sum_below / below, mean_above = (sum_all - sum_below) / above;
    const double between = below * above * (mean_below - mean_above) * (mean_below - mean_above);
    if (between > best) {
      best = between;
      threshold = lo + (static_cast<double>(b) + 1) * bin_width;  // the upper edge of the last bin below
    }
  }
  return threshold;
}

DetectedNuclei detect_nuclei(const Image& image, double um_per_px, const NucleusOptions& options) {
  check_options(options);
  STX_CHECK(std::isfinite(um_per_px) && um_per_px > 0, ConfigError,
            "{}: nuclei need the image's µm per pixel (--um-per-px)", image.path());
  // never finer than the image: upsampling adds pixels, not detail
  const double work_um_per_px = std::max(options.work_um_per_px, um_per_px);
  const double scale = work_um_per_px / um_per_px;  // full-resolution px per working px
  const double sigma_px = options.radius_um / std::sqrt(2.0) / work_um_per_px;
  const int distance_px = std::max(1, static_cast<int>(std::lround(options.min_distance_um / work_um_per_px)));
  const int blur_px = static_cast<int>(std::ceil(4 * sigma_px));
  // the smoothing, then the plateau test and the plateaus within a disc or the blur's reach
  // see the same pixels as on the whole slide
  const int margin = std::max(distance_px, 2 * blur_px) + blur_px + 1;
  const int core = options.tile_px;
  const int64_t work_w = static_cast<int64_t>(std::ceil(static_cast<double>(image.width()) / scale));
  const int64_t work_h = static_cast<int64_t>(std::ceil(static_cast<double>(image.height()) / scale));
  const int64_t tiles_x = (work_w + core - 1) / core, tiles_y = (work_h + core - 1) / core;
  const int64_t n_tiles = tiles_x * tiles_y;
  // a plateau begins a blur's width inside its region, whose blurred edge reaches a blur's
  // width beyond it
  const cv::Mat disc = disc_kernel(distance_px), blur_reach = disc_kernel(2 * blur_px);  // one for every tile
  std::vector<TileResult> per_tile(static_cast<size_t>(n_tiles));
  FirstError first_error;
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t t = 0; t < n_tiles; ++t) {
    first_error.run([&] {
      per_tile[static_cast<size_t>(t)] =
          tile_peaks(image, scale, t % tiles_x, t / tiles_x, core, margin, sigma_px, disc, blur_reach,
                     options.floor);
    });
  }
  first_error.rethrow();
  std::vector<Peak> peaks;
  std::vector<double> histogram(kBins, 0.0);
  for (auto& tile : per_tile) {
    peaks.insert(peaks.end(), tile.peaks.begin(), tile.peaks.end());
    for (int b = 0; b < kBins; ++b) histogram[static_cast<size_t>(b)] += tile.histogram[static_cast<size_t>(b)];
    tile = TileResult{{}, {}};
  }
  peaks = suppress_ties(std::move(peaks), distance_px * scale);  // the disc: only equal maxima share one

  DetectedNuclei out;
  out.maxima = static_cast<int64_t>(peaks.size());
  if (peaks.empty()) {
    out.threshold = std::isnan(options.threshold) ? options.floor : options.threshold;
    return out;
  }
  out.threshold = std::isnan(options.threshold) ? otsu_threshold(histogram, options.floor, kBinOd) : options.threshold;
  std::sort(peaks.begin(), peaks.end(), [](const Peak& a, const Peak& b) {
    return a.y_px != b.y_px ? a.y_px < b.y_px : a.x_px < b.x_px;
  });
  for (const Peak& p : peaks) {
    if (p.h < out.threshold) continue;
    out.x_px.push_back(p.x_px);
    out.y_px.push_back(p.y_px);
    out.hematoxylin.push_back(p.h);
  }
  return out;
}

void write_nuclei_table(const DetectedNuclei& nuclei, double um_per_px, const std::string& path) {
  TsvWriter out(path, {"cell_id", "x", "y", "x_um", "y_um", "hematoxylin"});
  for (size_t i = 0; i < nuclei.size(); ++i) {
    out.text("nucleus_" + std::to_string(i));
    out.fixed(nuclei.x_px[i], 2).fixed(nuclei.y_px[i], 2);
    out.fixed(nuclei.x_px[i] * um_per_px, 3).fixed(nuclei.y_px[i] * um_per_px, 3);
    out.number(nuclei.hematoxylin[i], 4);
    out.end_row();
  }
  out.commit();
}

}  // namespace stx
