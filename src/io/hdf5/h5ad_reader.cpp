// AnnData .h5ad -> Slide. Reads X (dense, csr_matrix or csc_matrix; also the pre-0.7
// `h5sparse_format` attribute), obs/var names, obs array_row/array_col/in_tissue/label,
// obsm['spatial'] (x, y), and uns['spatial'][library]['scalefactors']. Slides written by
// `stx` also carry uns['stx'] (µm/px, image path). Without obsm['spatial'], coordinates come
// from the obs columns named by --obs-x/--obs-y (HEST's Xenium files store x_pixel = ROW).
// Not yet: backed/partial reads of huge X, raw/X, layers as the counts source.
#include <cmath>
#include <filesystem>

#include "stx/io/hdf5/hdf5_file.hpp"
#include "stx/core/error.hpp"
#include "stx/io/files/crash_guard.hpp"
#include "stx/io/hdf5/h5ad.hpp"
#include "stx/io/readers/read_slide.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

std::string encoding_type(const h5::File& f, const std::string& object) {
  if (f.has_attribute(object, "encoding-type")) return f.read_string_attribute(object, "encoding-type");
  if (f.has_attribute(object, "h5sparse_format"))
    return f.read_string_attribute(object, "h5sparse_format") + "_matrix";  // anndata < 0.7
  return "";
}

std::vector<std::string> dataframe_index(const h5::File& f, const std::string& frame) {
  STX_CHECK(f.is_group(frame), FormatError,
            "{}: '{}': expected a dataframe group (anndata >= 0.7 layout)", f.path(), frame);
  const std::string index = f.has_attribute(frame, "_index")
                                ? f.read_string_attribute(frame, "_index")
                                : std::string("_index");
  return f.read_strings(frame + "/" + index);
}

// A dense /X, stored as CSR (its zeros dropped).
CsrMatrix read_dense_x(const h5::File& f) {
  const auto dims = f.dataset_dims("/X");
  STX_CHECK(dims.size() == 2, FormatError, "{}: '/X' must be 2-D, found {}-D", f.path(), dims.size());
  const std::vector<float> dense = f.read_numeric<float>("/X");
  CsrMatrix x;
  x.n_cols = dims[1];
  std::vector<int32_t> cols;
  std::vector<float> values;
  for (int64_t r = 0; r < dims[0]; ++r) {
    cols.clear();
    values.clear();
    for (int64_t c = 0; c < dims[1]; ++c) {
      const float v = dense[static_cast<size_t>(r * dims[1] + c)];
      if (v != 0.0f) cols.push_back(static_cast<int32_t>(c)), values.push_back(v);
    }
    x.append_row(cols, values);
  }
  return x;
}

// A CSC matrix's arrays, checked, transposed into CSR with a counting pass.
CsrMatrix csc_to_csr(const h5::File& f, const std::vector<int64_t>& shape, const std::vector<int64_t>& indptr,
                     const std::vector<int32_t>& indices, const std::vector<float>& data) {
  STX_CHECK(static_cast<int64_t>(indptr.size()) == shape[1] + 1, FormatError,
            "{}: '/X/indptr' has {} entries, expected {}", f.path(), indptr.size(), shape[1] + 1);
  STX_CHECK(indices.size() == data.size() && indptr.front() == 0 &&
                indptr.back() == static_cast<int64_t>(indices.size()) && std::is_sorted(indptr.begin(), indptr.end()),
            FormatError, "{}: '/X/indptr' must rise from 0 to the {} stored values", f.path(), indices.size());
  CsrMatrix x;
  x.n_rows = shape[0];
  x.n_cols = shape[1];
  x.indptr.assign(static_cast<size_t>(shape[0] + 1), 0);
  for (int32_t r : indices) {
    STX_CHECK(r >= 0 && r < shape[0], FormatError, "{}: '/X/indices' value {} out of range", f.path(), r);
    ++x.indptr[r + 1];
  }
  for (int64_t r = 0; r < shape[0]; ++r) x.indptr[r + 1] += x.indptr[r];
  x.indices.resize(indices.size());
  x.data.resize(data.size());
  std::vector<int64_t> next(x.indptr.begin(), x.indptr.end() - 1);
  for (int64_t c = 0; c < shape[1]; ++c)
    for (int64_t k = indptr[c]; k < indptr[c + 1]; ++k) {
      const int64_t slot = next[indices[k]]++;
      x.indices[slot] = static_cast<int32_t>(c);
      x.data[slot] = data[k];
    }
  return x;
}

CsrMatrix read_x(const h5::File& f) {
  if (f.is_dataset("/X")) return read_dense_x(f);
  const std::string type = encoding_type(f, "/X");
  STX_CHECK(type == "csr_matrix" || type == "csc_matrix", FormatError,
            "{}: '/X': expected a dense array, csr_matrix or csc_matrix, found '{}'", f.path(),
            type);
  const std::string shape_attr = f.has_attribute("/X", "shape") ? "shape" : "h5sparse_shape";
  const std::vector<int64_t> shape = f.read_int_attribute("/X", shape_attr);
  STX_CHECK(shape.size() == 2 && shape[0] >= 0 && shape[1] >= 0 && shape[0] < (int64_t{1} << 31) &&
                shape[1] < (int64_t{1} << 31),
            FormatError, "{}: '/X' shape must be 2 sizes below 2^31", f.path());
  const auto indptr = f.read_numeric<int64_t>("/X/indptr");
  const auto indices = f.read_numeric<int32_t>("/X/indices");
  const auto data = f.read_numeric<float>("/X/data");
  CsrMatrix x;
  if (type == "csr_matrix") {
    x.n_rows = shape[0];
    x.n_cols = shape[1];
    x.indptr = indptr;
    x.indices = indices;
    x.data = data;
  } else {
    x = csc_to_csr(f, shape, indptr, indices, data);
  }
  x.validate(f.path() + ": '/X'");
  return x;
}

template <typename T>
std::vector<T> optional_obs_column(const h5::File& f, const std::string& name) {
  const std::string path = "/obs/" + name;
  if (!f.is_dataset(path)) return {};
  return f.read_numeric<T>(path);
}

std::vector<std::string> categorical_obs_column(const h5::File& f, const std::string& name) {
  const std::string path = "/obs/" + name;
  if (!f.is_group(path) || encoding_type(f, path) != "categorical") return {};
  const auto categories = f.read_strings(path + "/categories");
  const auto codes = f.read_numeric<int64_t>(path + "/codes");
  std::vector<std::string> values;
  for (int64_t c : codes) {
    STX_CHECK(c >= -1 && c < static_cast<int64_t>(categories.size()), FormatError,
              "{}: '{}/codes' value {} out of range", f.path(), path, c);
    values.push_back(c < 0 ? "" : categories[c]);
  }
  return values;
}

bool looks_like_ensembl(const std::vector<std::string>& names) {
  return !names.empty() && names[0].rfind("ENS", 0) == 0;
}

// X must be non-negative and finite; non-integer values are noted (normalised already?).
void check_counts(const h5::File& f, Slide& slide) {
  for (size_t k = 0; k < slide.counts.data.size(); ++k) {
    const float v = slide.counts.data[k];
    STX_CHECK(std::isfinite(v) && v >= 0.0f, FormatError,
              "{}: '/X': value #{} is {}, expected non-negative finite expression", f.path(), k,
              v);
  }
  if (std::any_of(slide.counts.data.begin(), slide.counts.data.end(),
                  [](float v) { return v != std::floor(v); })) {
    slide.notes.push_back("X holds non-integer values: already normalised? stx expects raw counts");
  }
}

// Symbols from var's index, or from a symbol column when the index holds Ensembl ids.
void read_genes(const h5::File& f, Slide& slide) {
  const std::vector<std::string> var_index = dataframe_index(f, "/var");
  slide.gene_symbols = var_index;
  if (looks_like_ensembl(var_index)) {
    for (const char* column : {"gene_symbols", "gene_symbol", "gene_name", "feature_name"}) {
      const std::string path = std::string("/var/") + column;
      if (f.is_dataset(path)) {
        slide.gene_symbols = f.read_strings(path);
        slide.gene_ids = var_index;
        break;
      }
    }
  } else if (f.is_dataset("/var/gene_ids")) {
    slide.gene_ids = f.read_strings("/var/gene_ids");
  }

}

// obsm['spatial'], or the obs columns named by --obs-x/--obs-y; otherwise a note.
void read_coordinates(const h5::File& f, const ReadOptions& options, Slide& slide) {
  if (f.is_dataset("/obsm/spatial")) {
    const auto dims = f.dataset_dims("/obsm/spatial");
    STX_CHECK(dims.size() == 2 && dims[1] >= 2 && dims[0] == slide.n_spots(), FormatError,
              "{}: '/obsm/spatial': expected ({}, 2), found a {}-D array", f.path(),
              slide.n_spots(), dims.size());
    const auto xy = f.read_numeric<double>("/obsm/spatial");
    for (int64_t i = 0; i < dims[0]; ++i) {
      slide.pixel_x.push_back(xy[static_cast<size_t>(i * dims[1])]);
      slide.pixel_y.push_back(xy[static_cast<size_t>(i * dims[1] + 1)]);
    }
  } else if (!options.obs_x.empty() || !options.obs_y.empty()) {
    STX_CHECK(!options.obs_x.empty() && !options.obs_y.empty(), ConfigError,
              "--obs-x and --obs-y go together (the obs columns holding image column and row)");
    for (const auto& column : {options.obs_x, options.obs_y})
      STX_CHECK(f.is_dataset("/obs/" + column), ConfigError,
                "{}: no numeric obs column '{}' for coordinates", f.path(), column);
    slide.pixel_x = f.read_numeric<double>("/obs/" + options.obs_x);
    slide.pixel_y = f.read_numeric<double>("/obs/" + options.obs_y);
  } else {
    std::string hint;
    if (f.is_dataset("/obs/x_pixel") && f.is_dataset("/obs/y_pixel"))
      hint = " (obs has x_pixel/y_pixel: pass --obs-x/--obs-y; HEST's Xenium files store "
             "x_pixel as the image row)";
    slide.notes.push_back("no obsm['spatial']: spots have no coordinates" + hint);
  }

}

// A scale factor: one finite positive number, else FormatError naming it.
double positive_scalar(const h5::File& f, const std::string& dataset) {
  const auto values = f.read_numeric<double>(dataset);
  STX_CHECK(values.size() == 1 && std::isfinite(values[0]) && values[0] > 0, FormatError,
            "{}: '{}': expected one finite positive number, found {}", f.path(), dataset,
            values.empty() ? std::string("none") : fmt::format("{}", values[0]));
  return values[0];
}

// Space Ranger's scale factors (squidpy's layout) and stx's own uns entries.
void read_spatial_uns(const h5::File& f, Slide& slide) {
  if (f.is_group("/uns/spatial")) {
    const auto libraries = f.children("/uns/spatial");
    if (libraries.size() == 1) {
      slide.name = libraries[0];
      const std::string sf = "/uns/spatial/" + libraries[0] + "/scalefactors/spot_diameter_fullres";
      if (f.is_dataset(sf)) {
        slide.spot_diameter_px = positive_scalar(f, sf);
        slide.um_per_px = 65.0 / slide.spot_diameter_px;  // Visium's 65 µm scalefactor spot
      }
    }
  }
  if (f.is_dataset("/uns/stx/um_per_px")) slide.um_per_px = positive_scalar(f, "/uns/stx/um_per_px");
  if (f.is_dataset("/uns/stx/name")) slide.name = f.read_strings("/uns/stx/name").at(0);

}

// --image, else the image stx recorded (when it still exists): the path to open, or "".
std::string image_to_open(const h5::File& f, const ReadOptions& options, Slide& slide) {
  std::string image = options.image_path;
  if (image.empty() && f.is_dataset("/uns/stx/image_path")) {
    image = f.read_strings("/uns/stx/image_path").at(0);
    if (!fs::exists(image)) {
      slide.notes.push_back("recorded image " + image + " no longer exists; reading without it");
      image.clear();
    }
  }
  return image;
}

// Every 2-D numeric obsm entry but 'spatial' and 'spatial_um' (the coordinates) into slide.obsm.
void read_obsm_slots(const h5::File& f, Slide& slide) {
  if (!f.is_group("/obsm")) return;
  for (const auto& key : f.children("/obsm")) {
    const std::string object = "/obsm/" + key;
    if (key == "spatial" || key == kSpatialUmKey || !f.is_numeric_dataset(object)) continue;  // the coordinates
    const auto dims = f.dataset_dims(object);
    if (dims.size() != 2) {
      slide.notes.push_back(fmt::format("obsm['{}'] has {} dimension(s); not read", key, dims.size()));
      continue;
    }
    STX_CHECK(dims[0] == slide.n_spots(), FormatError, "{}: obsm['{}'] has {} rows for {} spots", f.path(),
              key, dims[0], slide.n_spots());
    slide.set_obsm(key, dims[1], f.read_numeric<float>(object));
  }
}

// The other 1-D integer obs columns whose values are all 0 or 1 (stx's flags, e.g.
// pathway_flagged) into slide.obs_flags; any other obs column is not read.
void read_obs_flags(const h5::File& f, Slide& slide) {
  for (const auto& key : f.children("/obs")) {
    const std::string object = "/obs/" + key;
    if (key == "_index" || key == "in_tissue" || key == "array_row" || key == "array_col" ||
        !f.is_integer_dataset(object) || f.dataset_dims(object).size() != 1)
      continue;
    const auto values = f.read_numeric<double>(object);
    if (static_cast<int64_t>(values.size()) != slide.n_spots() ||
        !std::all_of(values.begin(), values.end(), [](double v) { return v == 0 || v == 1; }))
      continue;
    slide.set_obs_flag(key, std::vector<uint8_t>(values.begin(), values.end()));
  }
}

// uns text: scalars into uns_strings, 1-D arrays into uns_lists, nested dicts as "a/b" keys;
// uns['spatial'] and uns['stx'] are read into the Slide's own fields instead.
void read_uns_slots(const h5::File& f, const std::string& group, const std::string& prefix, Slide& slide) {
  for (const auto& key : f.children(group)) {
    const std::string object = group + "/" + key;
    if (prefix.empty() && (key == "spatial" || key == "stx")) continue;
    if (f.is_group(object)) {
      read_uns_slots(f, object, prefix + key + "/", slide);
    } else if (f.is_string_dataset(object)) {
      const auto dims = f.dataset_dims(object);
      auto values = f.read_strings(object);
      if (dims.empty()) slide.uns_strings[prefix + key] = values.empty() ? "" : values.front();
      else slide.uns_lists[prefix + key] = std::move(values);
    }
  }
}

// Everything read_h5ad takes from the HDF5 file; the image to open goes to `image`.
Slide read_h5ad_file(const ReadOptions& options, std::string& image) {
  const h5::File f = h5::File::open_read(options.input);
  Slide slide;
  slide.source_format = "h5ad";
  slide.source_path = options.input;
  slide.name = fs::path(options.input).stem().string();
  slide.counts = read_x(f);
  check_counts(f, slide);
  slide.spot_ids = dataframe_index(f, "/obs");
  read_genes(f, slide);
  slide.array_row = optional_obs_column<int32_t>(f, "array_row");
  slide.array_col = optional_obs_column<int32_t>(f, "array_col");
  slide.in_tissue = optional_obs_column<uint8_t>(f, "in_tissue");
  slide.labels = categorical_obs_column(f, "label");
  read_coordinates(f, options, slide);
  read_spatial_uns(f, slide);
  read_obs_flags(f, slide);
  read_obsm_slots(f, slide);
  if (f.is_group("/uns")) read_uns_slots(f, "/uns", "", slide);
  image = image_to_open(f, options, slide);
  return slide;
}

}  // namespace

Slide read_h5ad(const ReadOptions& options) {
  std::string image;
  refuse_if_reading_crashes(options.input, "HDF5", [&] { read_h5ad_file(options, image); });
  Slide slide = read_h5ad_file(options, image);
  if (!image.empty()) slide.image = open_image(image, 1.0, options.max_image_pixels);
  return slide;
}

}  // namespace stx
