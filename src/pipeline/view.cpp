#include "stx/pipeline/view.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <unordered_map>

#include "stx/core/error.hpp"
#include "stx/expression/normalize.hpp"
#include "stx/io/readers/read_slide.hpp"
#include "stx/outputs/viewer.hpp"
#include "stx/pipeline/export.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A run folder (the demo's, or any holding one *_predicted.h5ad): the prediction, and the
// measured slide beside it when it is there.
void resolve_run_folder(ViewRun& run) {
  if (!fs::is_directory(run.input)) return;
  const std::string suffix = "_predicted.h5ad";
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(run.input)) {
    const std::string name = e.path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      found.push_back(e.path().string());
  }
  STX_CHECK(found.size() == 1, ConfigError, "{}: expected one *_predicted.h5ad in the folder, found {}{}", run.input,
            found.size(), found.empty() ? " (give the .h5ad of stx predict itself)" : fmt::format(": {}", fmt::join(found, ", ")));
  const fs::path predicted(found.front());
  const std::string name = predicted.filename().string();  // <S>_predicted.h5ad beside <S>.h5ad
  const fs::path measured = predicted.parent_path() / (name.substr(0, name.size() - suffix.size()) + ".h5ad");
  if (run.measured.empty() && fs::exists(measured)) run.measured = measured.string();
  run.input = predicted.string();
}

Slide read_h5ad_slide(const std::string& path, const std::string& image) {
  STX_CHECK(fs::path(path).extension() == ".h5ad", ConfigError, "{}: expected an .h5ad of stx predict or stx score", path);
  ReadOptions read;
  read.input = path;
  read.image_path = image;
  return read_slide(read);
}

// The pathway layers of a slide's obsm['pathway_activity'], in `source`'s name.
void add_pathway_layers(const Slide& slide, const std::string& source, const std::vector<int64_t>& rows,
                        std::vector<ViewerLayer>& layers) {
  const SpotMatrix* scores = slide.find_obsm("pathway_activity");
  const auto names = slide.uns_lists.find("pathway_names");
  if (!scores || names == slide.uns_lists.end() || static_cast<int64_t>(names->second.size()) != scores->cols) return;
  const auto method = slide.uns_strings.find("pathway_method");
  const std::string units = "pathway score" + (method == slide.uns_strings.end() ? "" : " (" + method->second + ")");
  for (int64_t p = 0; p < scores->cols; ++p) {
    ViewerLayer layer{names->second[static_cast<size_t>(p)], "pathway", source, units, {}};
    for (const int64_t row : rows)
      layer.values.push_back(row < 0 ? kNaN : scores->values[static_cast<size_t>(row * scores->cols + p)]);
    layers.push_back(std::move(layer));
  }
}

// Gene layers for `genes` from `matrix` (rows of the slide it belongs to; `rows` maps the
// viewed spots onto them, -1 for none), in the matrix's column order.
void add_gene_layers(const CsrMatrix& matrix, const std::vector<std::string>& symbols, const std::vector<std::string>& genes,
                     const std::string& source, const std::string& units, const std::vector<int64_t>& rows,
                     std::vector<ViewerLayer>& layers) {
  std::unordered_map<std::string, size_t> wanted;  // a gene's layer, by the gene's name
  for (const auto& gene : genes) wanted.emplace(gene, 0);
  std::vector<int64_t> layer_of_column(symbols.size(), -1);
  std::vector<ViewerLayer> added;
  for (size_t g = 0; g < symbols.size(); ++g)
    if (const auto it = wanted.find(symbols[g]); it != wanted.end() && layer_of_column[g] < 0) {
      layer_of_column[g] = static_cast<int64_t>(added.size());
      added.push_back({symbols[g], "gene", source, units, std::vector<float>(rows.size(), kNaN)});
    }
  std::vector<int64_t> viewed_of_row(static_cast<size_t>(matrix.n_rows), -1);  // one pass over the matrix
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i] >= 0) {
      viewed_of_row[static_cast<size_t>(rows[i])] = static_cast<int64_t>(i);
      for (auto& layer : added) layer.values[i] = 0.0f;  // a stored zero is not written
    }
  for (int64_t r = 0; r < matrix.n_rows; ++r) {
    const int64_t i = viewed_of_row[static_cast<size_t>(r)];
    if (i < 0) continue;
    for (int64_t k = matrix.indptr[static_cast<size_t>(r)]; k < matrix.indptr[static_cast<size_t>(r) + 1]; ++k)
      if (const int64_t layer = layer_of_column[static_cast<size_t>(matrix.indices[static_cast<size_t>(k)])]; layer >= 0)
        added[static_cast<size_t>(layer)].values[static_cast<size_t>(i)] = matrix.data[static_cast<size_t>(k)];
  }
  for (auto& layer : added) layers.push_back(std::move(layer));
}

std::vector<ViewerLayer> layers_of(const Slide& slide, const Slide* measured, int64_t& measured_layers) {
  std::vector<ViewerLayer> layers;
  const bool prediction = slide.uns_strings.count("stx_model") > 0;
  std::vector<int64_t> own(static_cast<size_t>(slide.n_spots()));
  for (size_t i = 0; i < own.size(); ++i) own[i] = static_cast<int64_t>(i);
  add_pathway_layers(slide, prediction ? "predicted" : "measured", own, layers);
  if (const auto x = slide.uns_strings.find("stx_X"); prediction && x != slide.uns_strings.end())
    add_gene_layers(slide.counts, slide.gene_symbols, slide.gene_symbols, "predicted", x->second, own, layers);
  const size_t before = layers.size();
  if (measured) {
    const std::vector<int64_t> rows = measured->rows_of_spots(slide.spot_ids);
    STX_CHECK(std::any_of(rows.begin(), rows.end(), [](int64_t r) { return r >= 0; }), ConfigError,
              "{}: no spot id in common with {} (another slide?)", measured->source_path, slide.source_path);
    add_pathway_layers(*measured, "measured", rows, layers);
    if (prediction)
      add_gene_layers(log_normalize(measured->counts), measured->gene_symbols, slide.gene_symbols, "measured",
                      "measured log1p CP10k", rows, layers);
  }
  measured_layers = static_cast<int64_t>(layers.size() - before);
  STX_CHECK(!layers.empty(), ConfigError,
            "{}: nothing to show: no obsm['pathway_activity'] with uns['pathway_names'] (write it with stx predict or stx score)",
            slide.source_path);
  return layers;
}

}  // namespace

ViewResult run_view(const ViewRun& original) {
  ViewRun run = original;
  resolve_run_folder(run);
  const fs::path out(run.out);
  STX_CHECK(run.force || !fs::exists(out), ConfigError, "{}: already exists (pass --force to overwrite)", out.string());
  const Slide slide = read_h5ad_slide(run.input, run.image);
  STX_CHECK(slide.image, ConfigError, "{}: no H&E image to show (its recorded image is gone?): give it with --image",
            run.input);
  STX_CHECK(slide.has_coordinates(), ConfigError, "{}: no pixel coordinates (obsm['spatial'])", run.input);
  ViewResult result;
  const Slide measured = run.measured.empty() ? Slide{} : read_h5ad_slide(run.measured, "");
  const std::vector<ViewerLayer> layers = layers_of(slide, run.measured.empty() ? nullptr : &measured, result.measured_layers);
  const std::vector<std::string> classes =
      run.domains.empty() ? std::vector<std::string>{} : domain_classes(run.domains, slide, result.classified);

  // Everything is written into a sibling folder, then renamed: a view is whole or absent.
  const fs::path staging = out.parent_path() / fmt::format(".{}.tmp.{}", out.filename().string(), ::getpid());
  fs::remove_all(staging);
  fs::create_directories(staging);
  try {
    DeepZoomOptions tiles;
    tiles.threads = run.threads;
    result.pyramid = write_deep_zoom(*slide.image, staging.string(), "slide", tiles);
    write_viewer_data(staging.string(), slide, layers, classes, result.pyramid, tiles);
    write_viewer_page(staging.string());
    fs::remove_all(out);
    fs::rename(staging, out);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
  result.out = out.string();
  result.slide = slide.name;
  result.input = run.input;
  result.measured = run.measured;
  result.spots = slide.n_spots();
  result.layers = static_cast<int64_t>(layers.size());
  return result;
}

std::string describe(const ViewResult& r) {
  std::string text = fmt::format("{}: {} spots, {} layers{}{}; the H&E as {} tiles in {} levels ({} x {} px)\n", r.slide,
                                 r.spots, r.layers,
                                 r.measured_layers ? fmt::format(" ({} measured, from {})", r.measured_layers, r.measured) : "",
                                 r.classified ? fmt::format(", {} spots with a domain", r.classified) : "", r.pyramid.tiles,
                                 r.pyramid.levels, r.pyramid.width, r.pyramid.height);
  return text + fmt::format("Wrote {}/ : open {} in a browser (no server needed)\n", r.out,
                            (fs::absolute(r.out) / "index.html").lexically_normal().string());
}

}  // namespace stx
