#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>

#include "stx/core/base64.hpp"
#include "stx/core/error.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/outputs/geojson.hpp"
#include "stx/outputs/viewer.hpp"
#include "stx/viz/colours.hpp"
#include "stx/viz/spot_map.hpp"

namespace stx {
namespace {

constexpr uint16_t kMissing = 65535, kSteps = 65534;

template <typename T>
std::string bytes_of(const std::vector<T>& values) {  // little-endian on every platform stx builds for
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string hex(const cv::Scalar& bgr) {
  char out[8];
  std::snprintf(out, sizeof out, "#%02x%02x%02x", static_cast<unsigned>(bgr[2]), static_cast<unsigned>(bgr[1]),
                static_cast<unsigned>(bgr[0]));
  return out;
}

nlohmann::json layer_entry(const ViewerLayer& layer, size_t index, double lo, double hi) {
  std::vector<double> finite;
  for (float v : layer.values)
    if (std::isfinite(v)) finite.push_back(v);
  nlohmann::json entry = {{"name", layer.name},     {"kind", layer.kind}, {"source", layer.source},
                          {"units", layer.units},   {"file", "values/" + std::to_string(index) + ".js"},
                          {"missing", layer.values.size() - finite.size()}, {"lo", lo}, {"hi", hi}};
  const auto [p1, p99] = default_colour_range(finite);  // as the maps colour it
  entry["p1"] = p1;
  entry["p99"] = p99;
  return entry;
}

nlohmann::json domains_entry(const std::vector<std::string>& classes) {
  const std::map<std::string, size_t> index = viz::category_indices(classes);
  nlohmann::json names = nlohmann::json::array(), colours = nlohmann::json::array();
  for (const auto& [name, i] : index) {
    names.push_back(name);
    colours.push_back(hex(viz::category_colour(i)));
  }
  std::vector<uint16_t> codes;  // the name's index, kMissing for a spot without a domain
  for (const auto& c : classes) codes.push_back(c.empty() ? kMissing : static_cast<uint16_t>(index.at(c)));
  return {{"names", names}, {"colours", colours}, {"codes", base64(bytes_of(codes))}};
}

}  // namespace

std::string quantise_values(const std::vector<float>& values, double& lo, double& hi) {
  lo = std::numeric_limits<double>::infinity();
  hi = -lo;
  for (float v : values)
    if (std::isfinite(v)) lo = std::min(lo, static_cast<double>(v)), hi = std::max(hi, static_cast<double>(v));
  if (!(lo <= hi)) lo = hi = 0;
  const double step = hi > lo ? (hi - lo) / kSteps : 1;
  std::vector<uint16_t> q;
  q.reserve(values.size());
  for (float v : values)
    q.push_back(std::isfinite(v) ? static_cast<uint16_t>(std::lround((v - lo) / step)) : kMissing);
  return base64(bytes_of(q));
}

void write_viewer_data(const std::string& dir, const Slide& slide, const std::vector<ViewerLayer>& layers,
                       const std::vector<std::string>& classes, const DeepZoomPyramid& pyramid,
                       const DeepZoomOptions& tiles) {
  STX_CHECK(slide.has_coordinates(), ShapeError, "{}: the viewer needs each spot's pixel coordinates", slide.name);
  STX_CHECK(classes.empty() || static_cast<int64_t>(classes.size()) == slide.n_spots(), ShapeError,
            "{}: {} domain classes for {} spots", slide.name, classes.size(), slide.n_spots());
  const std::filesystem::path folder(dir);
  std::filesystem::create_directories(folder / "values");
  nlohmann::json entries = nlohmann::json::array();
  for (size_t k = 0; k < layers.size(); ++k) {
    STX_CHECK(static_cast<int64_t>(layers[k].values.size()) == slide.n_spots(), ShapeError,
              "{}: layer {} has {} values for {} spots", slide.name, layers[k].name, layers[k].values.size(),
              slide.n_spots());
    double lo = 0, hi = 0;
    const std::string quantised = quantise_values(layers[k].values, lo, hi);
    write_text_atomically((folder / "values" / (std::to_string(k) + ".js")).string(),
                          "STX_VIEW_VALUES(" + std::to_string(k) + ", \"" + quantised + "\");\n");
    entries.push_back(layer_entry(layers[k], k, lo, hi));
  }
  std::vector<float> x(slide.pixel_x.begin(), slide.pixel_x.end()), y(slide.pixel_y.begin(), slide.pixel_y.end());
  nlohmann::json viridis = nlohmann::json::array();
  for (int i = 0; i < 256; ++i) viridis.push_back(hex(viz::viridis(i / 255.0)));
  nlohmann::json manifest = {
      {"slide", slide.name},
      {"spots", slide.n_spots()},
      {"objects", geojson_objects_of(slide) == GeoJsonObjects::kCell ? "cells" : "spots"},
      {"spot_ids", slide.spot_ids},
      {"x", base64(bytes_of(x))},
      {"y", base64(bytes_of(y))},
      {"spot_diameter_px", std::isfinite(slide.spot_diameter_px) ? slide.spot_diameter_px : 0.0},
      {"um_per_px", std::isfinite(slide.um_per_px) ? slide.um_per_px : 0.0},
      {"image", {{"width", pyramid.width}, {"height", pyramid.height}, {"tile", tiles.tile_px},
                 {"overlap", tiles.overlap_px}, {"url", "slide_files/"}}},
      {"layers", entries},
      {"viridis", viridis}};
  if (!classes.empty()) manifest["domains"] = domains_entry(classes);
  write_text_atomically((folder / "data.js").string(), "window.STX_VIEW = " + manifest.dump() + ";\n");
}

}  // namespace stx
