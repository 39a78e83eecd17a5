#include "stx/outputs/geojson.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

#include "stx/core/error.hpp"
#include "stx/viz/colours.hpp"
#include "stx/core/hash.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {
namespace {

constexpr double kLargestCellUm = 20.0;  // cells and nuclei are smaller; ST and Visium spots 100 and 55 µm

// A stable UUID per slide and spot (QuPath wants one; random ones would change the file on
// every run): 128 bits from two 64-bit hashes, version 4 and variant bits set as RFC 4122 asks.
std::string feature_id(const std::string& slide, const std::string& spot) {
  const std::string one = slide + '\n' + spot, two = spot + '\n' + slide + "#stx";
  const uint64_t a = fnv1a64(one.data(), one.size()), b = fnv1a64(two.data(), two.size());
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFF,
                     0x8000 | (b >> 48 & 0x3FFF), b & 0xFFFFFFFFFFFFULL);
}

// Output through zlib: gzip-compressed, or written as it is ("T", transparent) for plain text.
class Sink {
 public:
  Sink(std::string path, bool gzip) : path_(std::move(path)), gz_(gzopen(path_.c_str(), gzip ? "wb1" : "wbT")) {
    STX_CHECK(gz_ != nullptr, IoError, "{}: cannot open for writing", path_);
  }
  ~Sink() {
    if (gz_) gzclose(gz_);  // left unclosed by an error that is already on its way
  }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  void write(std::string_view text) {
    STX_CHECK(gzwrite(gz_, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()),
              IoError, "{}: write failed (disk full?)", path_);
  }
  void close() {
    const int status = gzclose(gz_);
    gz_ = nullptr;
    STX_CHECK(status == Z_OK, IoError, "{}: write failed (disk full?)", path_);
  }

 private:
  std::string path_;
  gzFile gz_;
};

// `"name":value` for each measurement, appended to `out`. Six significant digits: what a float
// holds, without the float-to-double tail (0.30000001); "{:.6g}" is a JSON number as it stands.
// Written by hand, not through nlohmann's ordered_json: its object inserts look each key up in
// turn, and a cell with 170 measurements spent most of the export there.
void append_measurement(fmt::memory_buffer& out, const std::string& quoted_name, float v, bool& first) {
  if (!std::isfinite(v)) return;  // JSON has no NaN: left out
  if (!first) out.push_back(',');
  first = false;
  out.append(quoted_name);
  out.push_back(':');
  fmt::format_to(std::back_inserter(out), "{:.6g}", v);
}

// Spot i's pathways (when `pathways`) and genes (when `gene_keys` names them); `gene_row` is
// scratch of the slide's gene count.
void append_measurements(fmt::memory_buffer& out, const Slide& slide, int64_t i, const SpotMatrix* pathways,
                         const std::vector<std::string>& pathway_keys, const std::vector<std::string>& gene_keys,
                         std::vector<float>& gene_row) {
  bool first = true;
  if (pathways)
    for (int64_t p = 0; p < pathways->cols; ++p)
      append_measurement(out, pathway_keys[static_cast<size_t>(p)],
                         pathways->values[static_cast<size_t>(i * pathways->cols + p)], first);
  if (gene_keys.empty()) return;
  std::fill(gene_row.begin(), gene_row.end(), 0.0f);
  for (int64_t k = slide.counts.indptr[static_cast<size_t>(i)]; k < slide.counts.indptr[static_cast<size_t>(i) + 1]; ++k)
    gene_row[static_cast<size_t>(slide.counts.indices[static_cast<size_t>(k)])] = slide.counts.data[static_cast<size_t>(k)];
  for (size_t g = 0; g < gene_row.size(); ++g) append_measurement(out, gene_keys[g], gene_row[g], first);
}

std::vector<std::string> quoted(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) out.push_back(nlohmann::json(name).dump());
  return out;
}

// A closed polygon (the last vertex repeats the first) approximating a circle, to 0.01 px.
nlohmann::ordered_json circle_ring(double x, double y, double radius, int vertices) {
  nlohmann::ordered_json ring = nlohmann::ordered_json::array();
  for (int v = 0; v <= vertices; ++v) {
    const double angle = 2 * M_PI * (v % vertices) / vertices;
    ring.push_back({std::round((x + radius * std::cos(angle)) * 100) / 100,
                    std::round((y + radius * std::sin(angle)) * 100) / 100});
  }
  return ring;
}

// QuPath's classification: the class name and its colour as the domain maps draw it (RGB).
nlohmann::ordered_json classification(const std::string& name, const std::map<std::string, size_t>& class_index) {
  const cv::Scalar bgr = viz::category_colour(class_index.at(name));
  return {{"name", name},
          {"color", {static_cast<int>(bgr[2]), static_cast<int>(bgr[1]), static_cast<int>(bgr[0])}}};
}

}  // namespace

bool is_gzip_name(const std::string& path) { return path.size() > 3 && ends_with(path, ".gz"); }

GeoJsonObjects geojson_objects_of(const Slide& slide) {
  const double diameter_um = slide.spot_diameter_px * slide.um_per_px;
  return std::isfinite(diameter_um) && diameter_um < kLargestCellUm ? GeoJsonObjects::kCell
                                                                     : GeoJsonObjects::kDetection;
}

void write_geojson(const Slide& slide, const std::string& path, const GeoJsonOptions& options) {
  STX_CHECK(slide.has_coordinates(), FormatError, "{}: spots have no image coordinates to draw in QuPath",
            slide.source_path);
  const SpotMatrix* pathways = slide.find_obsm("pathway_activity");
  std::vector<std::string> names;
  if (pathways) {
    const auto listed = slide.uns_lists.find("pathway_names");
    STX_CHECK(listed != slide.uns_lists.end() && static_cast<int64_t>(listed->second.size()) == pathways->cols,
              FormatError, "{}: obsm['pathway_activity'] has {} columns but uns['pathway_names'] does not name them",
              slide.source_path, pathways->cols);
    names = listed->second;
  }
  const bool genes = options.genes && slide.counts.n_rows == slide.n_spots() && slide.n_genes() > 0;
  STX_CHECK(pathways || genes, FormatError, "{}: nothing to export: no pathway activity and no gene values",
            slide.source_path);
  double diameter = slide.spot_diameter_px;
  if (!std::isfinite(diameter) || diameter <= 0)  // unknown: a Visium spot's size
    diameter = std::isfinite(slide.um_per_px) && slide.um_per_px > 0 ? 55.0 / slide.um_per_px : 10.0;
  const double radius = diameter / 2;
  const char* object_type = options.objects == GeoJsonObjects::kCell ? "cell" : "detection";
  STX_CHECK(options.classes.empty() || static_cast<int64_t>(options.classes.size()) == slide.n_spots(), ShapeError,
            "GeoJSON classes: {} for {} spots", options.classes.size(), slide.n_spots());
  // the domain maps' colours (a class is coloured by its rank among the sorted names)
  const std::map<std::string, size_t> class_index = viz::category_indices(options.classes);

  {
    Sink out(path, options.gzip);
    out.write("{\"type\":\"FeatureCollection\",\"features\":[\n");
    std::vector<float> gene_row(static_cast<size_t>(slide.n_genes()));
    const std::vector<std::string> pathway_keys = quoted(names);
    const std::vector<std::string> gene_keys = genes ? quoted(slide.gene_symbols) : std::vector<std::string>{};
    fmt::memory_buffer feature;
    for (int64_t i = 0; i < slide.n_spots(); ++i) {
      const auto u = static_cast<size_t>(i);
      const nlohmann::ordered_json ring = circle_ring(slide.pixel_x[u], slide.pixel_y[u], radius, options.vertices);
      feature.clear();
      fmt::format_to(std::back_inserter(feature),
                     "{}{{\"type\":\"Feature\",\"id\":\"{}\",\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{}]}},"
                     "\"properties\":{{\"objectType\":\"{}\",\"name\":{}",
                     i == 0 ? "" : ",\n", feature_id(slide.name, slide.spot_ids[u]), ring.dump(), object_type,
                     nlohmann::json(slide.spot_ids[u]).dump());
      if (!options.classes.empty() && !options.classes[u].empty())
        fmt::format_to(std::back_inserter(feature), ",\"classification\":{}",
                       classification(options.classes[u], class_index).dump());
      feature.append(std::string_view(",\"measurements\":{"));
      append_measurements(feature, slide, i, pathways, pathway_keys, gene_keys, gene_row);
      feature.append(std::string_view("}}}"));
      out.write(std::string_view(feature.data(), feature.size()));
    }
    out.write("\n]}\n");
    out.close();
  }
}

}  // namespace stx
