// Slide -> AnnData .h5ad, in the element encodings anndata 0.8 writes (see h5ad.hpp), so
// anndata/scanpy read it without conversion. Written to a temporary file and renamed.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "stx/io/hdf5/hdf5_file.hpp"
#include "stx/core/error.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/io/hdf5/h5ad.hpp"

namespace stx {
namespace {

void encode(h5::File& f, const std::string& object, const std::string& type,
            const std::string& version) {
  f.write_string_attribute(object, "encoding-type", type);
  f.write_string_attribute(object, "encoding-version", version);
}

void dict_group(h5::File& f, const std::string& group) {
  f.create_group(group);
  encode(f, group, "dict", "0.1.0");
}

template <typename T>
void array_1d(h5::File& f, const std::string& dataset, const std::vector<T>& values) {
  f.write_numeric(dataset, values, {values.size()});
  encode(f, dataset, "array", "0.2.0");
}

void string_array(h5::File& f, const std::string& dataset, const std::vector<std::string>& v) {
  f.write_strings(dataset, v);
  encode(f, dataset, "string-array", "0.2.0");
}

void numeric_scalar(h5::File& f, const std::string& dataset, double value) {
  f.write_scalar(dataset, value);
  encode(f, dataset, "numeric-scalar", "0.2.0");
}

void string_scalar(h5::File& f, const std::string& dataset, const std::string& value) {
  f.write_string_scalar(dataset, value);
  encode(f, dataset, "string", "0.2.0");
}

void categorical(h5::File& f, const std::string& group, const std::vector<std::string>& values) {
  std::vector<std::string> categories = values;
  std::sort(categories.begin(), categories.end());
  categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
  STX_CHECK(categories.size() < 32768, ShapeError, "{}: too many label categories", group);
  std::vector<int32_t> codes;
  codes.reserve(values.size());
  for (const auto& v : values)
    codes.push_back(static_cast<int32_t>(std::lower_bound(categories.begin(), categories.end(), v) -
                                         categories.begin()));
  f.create_group(group);
  encode(f, group, "categorical", "0.2.0");
  f.write_bool_attribute(group, "ordered", false);
  string_array(f, group + "/categories", categories);
  array_1d(f, group + "/codes", codes);
}

// Creates the dict groups above `path` (e.g. /uns/a for /uns/a/b) that do not exist yet.
void ensure_parent_dicts(h5::File& f, const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string parent = path.substr(0, slash);
    if (!f.exists(parent)) dict_group(f, parent);
  }
}

void dataframe(h5::File& f, const std::string& group, const std::vector<std::string>& index,
               const std::vector<std::string>& column_order) {
  f.create_group(group);
  encode(f, group, "dataframe", "0.2.0");
  f.write_string_attribute(group, "_index", "_index");
  f.write_string_array_attribute(group, "column-order", column_order);
  string_array(f, group + "/_index", index);
}

// The H&E downscaled (never up) to `longest_side`, as (rows, cols, 3) uint8 RGB.
void write_hires_image(h5::File& f, const std::string& library, const Image& image,
                       int longest_side) {
  const auto width = static_cast<double>(image.width());
  const auto height = static_cast<double>(image.height());
  const double scale = std::min(1.0, longest_side / std::max(width, height));
  const cv::Size size(std::max(1, static_cast<int>(std::lround(width * scale))),
                      std::max(1, static_cast<int>(std::lround(height * scale))));
  const cv::Mat rgb = image.read_region(cv::Rect2d(0, 0, width, height), size);
  std::vector<uint8_t> pixels(rgb.total() * 3);
  for (int row = 0; row < rgb.rows; ++row)
    std::copy_n(rgb.ptr<uint8_t>(row), rgb.cols * 3,
                pixels.begin() + static_cast<ptrdiff_t>(row) * rgb.cols * 3);
  // The scale actually applied per axis differs from `scale` by under half a pixel.
  numeric_scalar(f, library + "/scalefactors/tissue_hires_scalef",
                 size.width / width);
  dict_group(f, library + "/images");
  f.write_numeric(library + "/images/hires", pixels,
                  {static_cast<hsize_t>(rgb.rows), static_cast<hsize_t>(rgb.cols), 3});
  encode(f, library + "/images/hires", "array", "0.2.0");
}

void write_x(const CsrMatrix& counts, h5::File& f) {
  f.create_group("/X");
  encode(f, "/X", "csr_matrix", "0.1.0");
  f.write_int_array_attribute("/X", "shape", {counts.n_rows, counts.n_cols});
  f.write_numeric("/X/data", counts.data, {counts.data.size()});
  f.write_numeric("/X/indices", counts.indices, {counts.indices.size()});
  f.write_numeric("/X/indptr", counts.indptr, {counts.indptr.size()});
}

void write_obs(const Slide& slide, h5::File& f) {
  std::vector<std::string> obs_columns;
  if (!slide.in_tissue.empty()) obs_columns.push_back("in_tissue");
  if (!slide.array_row.empty()) obs_columns.push_back("array_row");
  if (!slide.array_col.empty()) obs_columns.push_back("array_col");
  if (!slide.labels.empty()) obs_columns.push_back("label");
  for (const auto& [name, flags] : slide.obs_flags) obs_columns.push_back(name);
  dataframe(f, "/obs", slide.spot_ids, obs_columns);
  if (!slide.in_tissue.empty())
    array_1d(f, "/obs/in_tissue",
             std::vector<int32_t>(slide.in_tissue.begin(), slide.in_tissue.end()));
  if (!slide.array_row.empty()) array_1d(f, "/obs/array_row", slide.array_row);
  if (!slide.array_col.empty()) array_1d(f, "/obs/array_col", slide.array_col);
  if (!slide.labels.empty()) categorical(f, "/obs/label", slide.labels);
  for (const auto& [name, flags] : slide.obs_flags)  // rows checked by Slide::validate
    array_1d(f, "/obs/" + name, std::vector<int8_t>(flags.begin(), flags.end()));
}

void write_var(const Slide& slide, h5::File& f) {
  dataframe(
      f, "/var", slide.gene_symbols,
      slide.gene_ids.empty() ? std::vector<std::string>{} : std::vector<std::string>{"gene_ids"});
  if (!slide.gene_ids.empty()) string_array(f, "/var/gene_ids", slide.gene_ids);
}

void write_obsm(const Slide& slide, h5::File& f) {
  dict_group(f, "/obsm");
  if (slide.has_coordinates()) {
    std::vector<double> xy;
    xy.reserve(slide.pixel_x.size() * 2);
    for (size_t i = 0; i < slide.pixel_x.size(); ++i) {
      xy.push_back(slide.pixel_x[i]);
      xy.push_back(slide.pixel_y[i]);
    }
    f.write_numeric("/obsm/spatial", xy, {slide.pixel_x.size(), 2});
    encode(f, "/obsm/spatial", "array", "0.2.0");
    if (std::isfinite(slide.um_per_px)) {
      // the same in µm, the unit squidpy and spatialdata use for cells (spatial_key="spatial_um")
      for (double& v : xy) v *= slide.um_per_px;
      f.write_numeric("/obsm/" + std::string(kSpatialUmKey), xy, {slide.pixel_x.size(), 2});
      encode(f, "/obsm/" + std::string(kSpatialUmKey), "array", "0.2.0");
    }
  }
  for (const auto& [key, m] : slide.obsm) {  // rows checked by Slide::validate
    f.write_numeric("/obsm/" + key, m.values,
                    {static_cast<hsize_t>(slide.n_spots()), static_cast<hsize_t>(m.cols)});
    encode(f, "/obsm/" + key, "array", "0.2.0");
  }
}

// uns['spatial'] as scanpy's pl.spatial reads it, the slide's uns strings and lists, uns['stx'].
void write_uns(const Slide& slide, const H5adWriteOptions& options, h5::File& f) {
  dict_group(f, "/uns");
  if (slide.has_coordinates() && std::isfinite(slide.spot_diameter_px)) {
    // What scanpy's pl.spatial looks up: uns['spatial'][library]['scalefactors'].
    const std::string library = "/uns/spatial/" + (slide.name.empty() ? "slide" : slide.name);
    dict_group(f, "/uns/spatial");
    dict_group(f, library);
    dict_group(f, library + "/scalefactors");
    numeric_scalar(f, library + "/scalefactors/spot_diameter_fullres", slide.spot_diameter_px);
    if (options.hires_image_px > 0 && slide.image)
      write_hires_image(f, library, *slide.image, options.hires_image_px);
  }
  for (const auto& [key, list] : slide.uns_lists) {
    ensure_parent_dicts(f, "/uns/" + key);
    string_array(f, "/uns/" + key, list);
  }
  for (const auto& [key, value] : slide.uns_strings) {
    ensure_parent_dicts(f, "/uns/" + key);
    string_scalar(f, "/uns/" + key, value);
  }
  dict_group(f, "/uns/stx");
  string_scalar(f, "/uns/stx/name", slide.name);
  string_scalar(f, "/uns/stx/source_format", slide.source_format);
  string_scalar(f, "/uns/stx/source_path", slide.source_path);
  if (std::isfinite(slide.um_per_px)) numeric_scalar(f, "/uns/stx/um_per_px", slide.um_per_px);
  if (slide.image)
    string_scalar(f, "/uns/stx/image_path",
                  std::filesystem::absolute(slide.image->path()).lexically_normal().string());
}

void write_contents(const Slide& slide, const H5adWriteOptions& options, h5::File& f) {
  encode(f, "/", "anndata", "0.1.0");
  write_x(slide.counts, f);
  write_obs(slide, f);
  write_var(slide, f);
  write_obsm(slide, f);
  for (const char* empty : {"/layers", "/obsp", "/varm", "/varp"}) dict_group(f, empty);
  write_uns(slide, options, f);
}

}  // namespace

void write_h5ad(const Slide& slide, const std::string& path, const H5adWriteOptions& options) {
  slide.validate();
  AtomicFile out(path);
  h5::File f = h5::File::create(out.temp_path(), path);
  write_contents(slide, options, f);
  f.close();
  out.commit();
}

}  // namespace stx
