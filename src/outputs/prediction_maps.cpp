#include "stx/outputs/prediction_maps.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "stx/core/error.hpp"
#include "stx/core/run_folder.hpp"
#include "stx/stats/stats.hpp"
#include "stx/stats/map_specificity.hpp"
#include "stx/stats/metrics.hpp"
#include "stx/viz/figure.hpp"
#include "stx/viz/heatmap.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {
namespace fs = std::filesystem;

namespace {

std::vector<double> column(const std::vector<float>& m, int64_t n_rows, size_t n_cols, size_t c) {
  std::vector<double> out(static_cast<size_t>(n_rows));
  for (size_t i = 0; i < out.size(); ++i) out[i] = m[i * n_cols + c];
  return out;
}

// Indices of the `k` largest scores (NaN last), ties in index order.
std::vector<size_t> top_indices(const std::vector<double>& score, size_t k) {
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](size_t i) { return std::isfinite(score[i]) ? score[i] : -1e300; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) > key(b); });
  order.resize(std::min(k, order.size()));
  return order;
}

size_t index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  STX_CHECK(it != names.end(), ConfigError, "--map-pathway: '{}' is not a pathway of the model",
            name);
  return static_cast<size_t>(it - names.begin());
}

std::string fmt_r(double r) { return std::isfinite(r) ? fmt::format("r = {:.2f}", r) : "r undefined"; }

// Measured | predicted pairs for the chosen targets, laid out two pairs a row.
cv::Mat comparison_figure(const MapCanvas& canvas, const std::vector<size_t>& chosen,
                          const std::vector<std::string>& names, const std::vector<float>& truth,
                          const std::vector<float>& predicted, const std::vector<double>& r,
                          int64_t n, bool pathways) {
  std::vector<cv::Mat> panels;
  for (size_t c : chosen) {
    const std::string title = pathways ? pathway_title(names[c]) : names[c];
    panels.push_back(canvas.continuous(column(truth, n, names.size(), c), title, {}, "measured"));
    panels.push_back(canvas.continuous(column(predicted, n, names.size(), c), title, {},
                                       "predicted, " + fmt_r(r[c])));
  }
  return grid_panels(panels, 4, 10);
}

DenseMatrix as_dense(const std::vector<float>& m, int64_t rows, size_t cols) {
  return DenseMatrix{rows, static_cast<int64_t>(cols), std::vector<double>(m.begin(), m.end())};
}

// The pathway-pathway correlation matrices over the spots, measured beside predicted, with
// map specificity's numbers in the subtitles.
cv::Mat correlations_figure(const std::vector<std::string>& pathways, const std::vector<float>& truth,
                            const std::vector<float>& predicted, int64_t n) {
  const DenseMatrix measured = as_dense(truth, n, pathways.size()), predicted_m = as_dense(predicted, n, pathways.size());
  const MapSpecificity spec = map_specificity(measured, predicted_m);
  const OwnClosest own = count_own_closest(spec.closest_measured);
  HeatmapStyle style;
  style.cell_w = style.cell_h = pathways.size() > 60 ? 6 : 12;
  style.limit = 1.0;
  style.column_swatches = false;
  std::vector<std::string> rows, blank(pathways.size());
  for (const auto& p : pathways) rows.push_back(pathway_title(p));
  const cv::Mat left = heatmap(spec.measured_r.values, rows, blank, "measured",
                               fmt::format("mean |r| between maps {:.2f}", finite_mean(spec.measured_between)), style);
  const cv::Mat right = heatmap(spec.predicted_r.values, blank, blank, "predicted",
                                fmt::format("mean |r| between maps {:.2f}; {} of {} closest to their own measured map",
                                            finite_mean(spec.predicted_between), own.own, own.defined),
                                style);
  return hstack_panels({left, right}, 24);
}

// Each chosen pathway's predicted activity beside what its token attended to (x N, so
// 1 = uniform attention).
cv::Mat attention_figure(const MapCanvas& canvas, const std::vector<size_t>& chosen, const Prediction& p,
                         const std::vector<std::string>& pathways) {
  const int64_t n = p.n_spots;
  std::vector<cv::Mat> panels;
  for (size_t k : chosen) {
    std::vector<double> weight(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      weight[static_cast<size_t>(i)] =
          static_cast<double>(n) * p.pathway_attention[k * static_cast<size_t>(n) + static_cast<size_t>(i)];
    const std::string title = pathway_title(pathways[k]);
    panels.push_back(canvas.continuous(column(p.pathways, n, pathways.size(), k), title, {}, "predicted activity"));
    panels.push_back(canvas.continuous(weight, title, {}, "attention x spots (1 = uniform)"));
  }
  return grid_panels(panels, 2, 10);
}

}  // namespace

void check_map_request(const MapRequest& request, const ModelMetadata& m) {
  for (const auto& name : request.pathways) index_of(m.pathways, name);
  const auto& z = request.zoom_um;
  STX_CHECK(z.empty() || (z.size() == 4 && std::all_of(z.begin(), z.end(), [](double v) { return std::isfinite(v); }) &&
                          z[2] > 0 && z[3] > 0),
            ConfigError, "--map-zoom {}: expected X,Y,WIDTH,HEIGHT in µm, the width and height above 0",
            fmt::join(z, ","));
}

std::string pathway_title(const std::string& name) {
  const std::string prefix = "HALLMARK_";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

SpotGeometry spot_geometry(const SlideData& data) {
  SpotGeometry geometry;
  geometry.x = data.spots.pixel_x;
  geometry.y = data.spots.pixel_y;
  geometry.spot_diameter_px = data.spots.spot_diameter_px;
  geometry.um_per_px = data.spots.um_per_px;
  geometry.image = data.spots.image;
  return geometry;
}

std::vector<std::string> write_prediction_maps(const SlideData& data,
                                               const Prediction& p, const ModelMetadata& m,
                                               const std::string& dir, const MapRequest& request,
                                               StagedFiles& files) {
  const Slide& slide = data.spots;
  std::vector<std::string> written;  // `dir` exists: the command made it before any work
  auto save = [&](const cv::Mat& figure, const std::string& file) {
    const std::string path = (fs::path(dir) / file).string();
    write_png(figure, path, files);
    written.push_back(path);
  };
  const int64_t n = data.n_spots();
  const size_t n_p = m.pathways.size(), n_g = m.genes.size();
  const SpotGeometry geometry = spot_geometry(data);

  // Every pathway, small.
  MapStyle small;
  small.map_width_px = 220;
  small.font_px = 12;
  const MapCanvas thumbs(geometry, small);
  std::vector<cv::Mat> tiles;
  for (size_t k = 0; k < n_p; ++k)
    tiles.push_back(thumbs.continuous(column(p.pathways, n, n_p, k), pathway_title(m.pathways[k])));
  save(with_heading(grid_panels(tiles, 5),
                    fmt::format("{}: predicted pathway activity ({} scores, {} spots)", slide.name,
                                m.score_method, n)),
       run_folder::kPathwaysPredictedPng);

  if (!request.zoom_um.empty()) {
    // the spots inside the window; the canvas then shows just their bounding box, so cells
    // are dots of their own spacing over the H&E at the window's scale
    const double x0 = request.zoom_um[0] / slide.um_per_px, y0 = request.zoom_um[1] / slide.um_per_px;
    const double x1 = x0 + request.zoom_um[2] / slide.um_per_px, y1 = y0 + request.zoom_um[3] / slide.um_per_px;
    std::vector<size_t> inside;
    for (size_t i = 0; i < static_cast<size_t>(n); ++i)
      if (data.spots.pixel_x[i] >= x0 && data.spots.pixel_x[i] < x1 && data.spots.pixel_y[i] >= y0 && data.spots.pixel_y[i] < y1)
        inside.push_back(i);
    STX_CHECK(!inside.empty(), ConfigError, "--map-zoom {}: no spot or cell of the {} lies in that window (µm)",
              fmt::join(request.zoom_um, ","), n);
    SpotGeometry zoomed = geometry;
    zoomed.x.clear();
    zoomed.y.clear();
    for (size_t i : inside) {
      zoomed.x.push_back(data.spots.pixel_x[i]);
      zoomed.y.push_back(data.spots.pixel_y[i]);
    }
    MapStyle medium;
    medium.map_width_px = 320;
    medium.font_px = 13;
    const MapCanvas zoom(zoomed, medium);
    std::vector<cv::Mat> panels;
    for (size_t k = 0; k < n_p; ++k) {
      const std::vector<double> all = column(p.pathways, n, n_p, k);
      std::vector<double> values;
      for (size_t i : inside) values.push_back(all[i]);
      panels.push_back(zoom.continuous(values, pathway_title(m.pathways[k])));
    }
    save(with_heading(grid_panels(panels, 5),
                      fmt::format("{}: predicted pathway activity, {:g} x {:g} µm at ({:g}, {:g}) µm ({} of {} spots)",
                                  slide.name, request.zoom_um[2], request.zoom_um[3], request.zoom_um[0],
                                  request.zoom_um[1], inside.size(), n)),
         run_folder::kPathwaysZoomPng);
  }

  std::vector<size_t> requested;
  for (const auto& name : request.pathways) requested.push_back(index_of(m.pathways, name));
  const MapCanvas canvas(geometry);
  std::vector<double> pathway_r(n_p, std::nan("")), gene_r(n_g, std::nan(""));
  if (data.has_targets()) {
    for (size_t k = 0; k < n_p; ++k)
      pathway_r[k] = pearson(column(data.pathways, n, n_p, k), column(p.pathways, n, n_p, k));
    for (size_t g = 0; g < n_g; ++g)
      gene_r[g] = pearson(column(data.genes, n, n_g, g), column(p.genes, n, n_g, g));
    std::vector<size_t> chosen = requested;
    if (chosen.empty()) chosen = top_indices(pathway_r, static_cast<size_t>(request.top));
    save(with_heading(comparison_figure(canvas, chosen, m.pathways, data.pathways, p.pathways,
                                        pathway_r, n, true),
                      fmt::format("{}: measured and predicted pathway activity (best predicted)",
                                  slide.name)),
         run_folder::kPathwaysComparedPng);
    save(with_heading(correlations_figure(m.pathways, data.pathways, p.pathways, n),
                      fmt::format("{}: how alike the pathway maps are (r between pathways over {} spots)",
                                  slide.name, n)),
         run_folder::kPathwayCorrelationsPng);
    save(with_heading(comparison_figure(canvas, top_indices(gene_r, static_cast<size_t>(request.top)),
                                        m.genes, data.genes, p.genes, gene_r, n, false),
                      fmt::format("{}: measured and predicted expression, {} (best predicted genes)",
                                  slide.name, describe(parse_gene_target_scale(m.gene_target_scale)))),
         run_folder::kGenesComparedPng);
  }

  if (!p.pathway_attention.empty()) {
    // Attention: where each chosen pathway token looked. Default: the best predicted pathways, or without truth the most variable predictions.
    std::vector<size_t> chosen = requested;
    if (chosen.empty() && data.has_targets()) chosen = top_indices(pathway_r, 3);
    if (chosen.empty()) {
      for (int64_t k : most_variable_columns(as_dense(p.pathways, n, n_p), 3)) chosen.push_back(static_cast<size_t>(k));
    }
    save(with_heading(attention_figure(canvas, chosen, p, m.pathways),
                      fmt::format("{}: what the pathway tokens attended to (last layer, P<-H)",
                                  slide.name)),
         run_folder::kAttentionPng);
  }
  return written;
}

}  // namespace stx
