// 10x matrix readers; see tenx_matrix.hpp.
#include "tenx_matrix.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "stx/io/hdf5/hdf5_file.hpp"
#include "reader_paths.hpp"
#include "stx/core/error.hpp"
#include "stx/io/files/crash_guard.hpp"
#include "stx/core/text_lines.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

void check_counts(const std::vector<float>& data, const std::string& where) {
  for (size_t k = 0; k < data.size(); ++k) {
    STX_CHECK(std::isfinite(data[k]) && data[k] >= 0.0f, FormatError,
              "{}: value #{} is {}, expected a non-negative finite count", where, k, data[k]);
  }
}

std::vector<std::string> read_first_column(const std::string& path, size_t column,
                                           std::vector<std::string>* second = nullptr) {
  TextLines lines(path);
  std::vector<std::string> out;
  std::string line;
  while (lines.next(line)) {
    if (line.empty()) continue;
    const auto f = split_fields(line, '\t');
    STX_CHECK(f.size() > column, FormatError, "{}: line {}: expected at least {} column(s)",
              path, lines.line_number(), column + 1);
    out.emplace_back(f[column]);
    if (second != nullptr) second->emplace_back(f.size() > 2 ? std::string(f[2]) : "");
  }
  return out;
}

TenxMatrix read_h5_matrix(const std::string& path) {
  const h5::File file = h5::File::open_read(path);
  std::string group = "/matrix";
  bool v3 = true;
  if (!file.is_group(group)) {
    // Cell Ranger 2: one group per genome holding genes/gene_names.
    const auto top = file.children("/");
    STX_CHECK(top.size() == 1 && file.is_dataset("/" + top[0] + "/genes"), FormatError,
              "{}: not a 10x feature-barcode matrix (expected a /matrix group)", path);
    group = "/" + top[0];
    v3 = false;
  }
  TenxMatrix m;
  m.barcodes = file.read_strings(group + "/barcodes");
  if (v3) {
    m.feature_ids = file.read_strings(group + "/features/id");
    m.feature_names = file.read_strings(group + "/features/name");
    if (file.exists(group + "/features/feature_type"))
      m.feature_types = file.read_strings(group + "/features/feature_type");
  } else {
    m.feature_ids = file.read_strings(group + "/genes");
    m.feature_names = file.read_strings(group + "/gene_names");
  }
  const std::vector<int64_t> shape = file.read_numeric<int64_t>(group + "/shape");
  STX_CHECK(shape.size() == 2, FormatError, "{}: '{}/shape' must hold 2 numbers", path, group);
  STX_CHECK(shape[0] == static_cast<int64_t>(m.feature_ids.size()) &&
                shape[1] == static_cast<int64_t>(m.barcodes.size()),
            FormatError, "{}: shape ({}, {}) disagrees with {} features and {} barcodes", path,
            shape[0], shape[1], m.feature_ids.size(), m.barcodes.size());
  STX_CHECK(m.feature_names.size() == m.feature_ids.size() &&
                (m.feature_types.empty() || m.feature_types.size() == m.feature_ids.size()),
            FormatError, "{}: {} feature names and {} feature types for {} feature ids", path,
            m.feature_names.size(), m.feature_types.size(), m.feature_ids.size());
  // CSC over (features x barcodes) is exactly CSR over (barcodes x features).
  m.counts.n_rows = shape[1];
  m.counts.n_cols = shape[0];
  m.counts.indptr = file.read_numeric<int64_t>(group + "/indptr");
  m.counts.indices = file.read_numeric<int32_t>(group + "/indices");
  m.counts.data = file.read_numeric<float>(group + "/data");
  check_counts(m.counts.data, path + ": '" + group + "/data'");
  m.counts.validate(path);
  return m;
}

}  // namespace

TenxMatrix read_tenx_h5_matrix(const std::string& path) {
  refuse_if_reading_crashes(path, "HDF5", [&] { read_h5_matrix(path); });
  return read_h5_matrix(path);
}

namespace {

// One entry of a MatrixMarket file, 0-based: (barcode, feature, value).
struct Entry {
  int64_t barcode;
  int32_t feature;
  float value;
};

// Entries in any order, bucketed by barcode: the spots x genes matrix.
CsrMatrix entries_to_csr(std::vector<Entry>& entries, int64_t n_barcodes, int64_t n_features,
                         const std::string& path) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.barcode != b.barcode ? a.barcode < b.barcode : a.feature < b.feature;
  });
  CsrMatrix counts;
  counts.n_rows = n_barcodes;
  counts.n_cols = n_features;
  counts.indptr.assign(static_cast<size_t>(n_barcodes + 1), 0);
  for (const Entry& e : entries) {
    ++counts.indptr[e.barcode + 1];
    counts.indices.push_back(e.feature);
    counts.data.push_back(e.value);
  }
  std::partial_sum(counts.indptr.begin(), counts.indptr.end(), counts.indptr.begin());
  counts.validate(path);
  return counts;
}

// matrix.mtx: a MatrixMarket coordinate file of features x barcodes, transposed into spots x
// genes; its size line must agree with the features and barcodes files.
CsrMatrix read_matrix_market(const std::string& matrix_path, int64_t features, int64_t barcodes) {
  TextLines lines(matrix_path);
  std::string line;
  STX_CHECK(lines.next(line) && line.rfind("%%MatrixMarket matrix coordinate", 0) == 0,
            FormatError, "{}: expected a '%%MatrixMarket matrix coordinate' header",
            matrix_path);
  do {
    STX_CHECK(lines.next(line), FormatError, "{}: missing the size line", matrix_path);
  } while (!line.empty() && line[0] == '%');
  const auto size = split_fields(line, ' ');
  STX_CHECK(size.size() == 3, FormatError, "{}: line {}: expected 'rows cols entries'",
            matrix_path, lines.line_number());
  const int64_t n_features = parse_int(size[0], lines, "rows");
  const int64_t n_barcodes = parse_int(size[1], lines, "cols");
  const int64_t n_entries = parse_int(size[2], lines, "entries");
  STX_CHECK(n_features == features && n_barcodes == barcodes, FormatError,
            "{}: size {} x {} disagrees with {} features and {} barcodes", matrix_path, n_features, n_barcodes,
            features, barcodes);

  // At most one entry per cell: a header claiming 10^15 entries is refused rather than
  // reserved (the reservation is capped too; more entries than claimed are refused below).
  const double cells = static_cast<double>(n_features) * static_cast<double>(n_barcodes);
  STX_CHECK(n_entries >= 0 && static_cast<double>(n_entries) <= cells, FormatError,
            "{}: line {}: {} entries for a {} x {} matrix", matrix_path, lines.line_number(), n_entries,
            n_features, n_barcodes);
  std::vector<Entry> entries;
  entries.reserve(static_cast<size_t>(std::min<int64_t>(n_entries, int64_t{1} << 24)));
  while (lines.next(line)) {
    if (line.empty() || line[0] == '%') continue;
    const auto f = split_fields(line, ' ');
    STX_CHECK(f.size() == 3, FormatError, "{}: line {}: expected 'row col value'", matrix_path,
              lines.line_number());
    const int64_t feature = parse_int(f[0], lines, "row");
    const int64_t barcode = parse_int(f[1], lines, "col");
    STX_CHECK(feature >= 1 && feature <= n_features && barcode >= 1 && barcode <= n_barcodes,
              FormatError, "{}: line {}: entry ({}, {}) outside the {} x {} matrix",
              matrix_path, lines.line_number(), feature, barcode, n_features, n_barcodes);
    entries.push_back({barcode - 1, static_cast<int32_t>(feature - 1),
                       parse_count(f[2], lines, "value")});
  }
  STX_CHECK(static_cast<int64_t>(entries.size()) == n_entries, FormatError,
            "{}: header promises {} entries, found {} (truncated?)", matrix_path, n_entries,
            entries.size());
  return entries_to_csr(entries, n_barcodes, n_features, matrix_path);
}

}  // namespace

TenxMatrix read_tenx_mtx_dir(const std::string& dir) {
  const std::string base = (fs::path(dir) / "").string();
  const std::string matrix_path = first_existing({base + "matrix.mtx.gz", base + "matrix.mtx"});
  const std::string barcodes_path =
      first_existing({base + "barcodes.tsv.gz", base + "barcodes.tsv"});
  const std::string features_path = first_existing(
      {base + "features.tsv.gz", base + "features.tsv", base + "genes.tsv.gz", base + "genes.tsv"});
  STX_CHECK(!matrix_path.empty() && !barcodes_path.empty() && !features_path.empty(), IoError,
            "{}: a 10x matrix folder needs matrix.mtx[.gz], barcodes.tsv[.gz] and "
            "features.tsv[.gz] (or genes.tsv)",
            dir);
  TenxMatrix m;
  m.barcodes = read_first_column(barcodes_path, 0);
  std::vector<std::string> types;
  m.feature_ids = read_first_column(features_path, 0);
  m.feature_names = read_first_column(features_path, 1, &types);
  if (std::any_of(types.begin(), types.end(), [](const auto& t) { return !t.empty(); }))
    m.feature_types = types;

  m.counts = read_matrix_market(matrix_path, static_cast<int64_t>(m.feature_ids.size()),
                                static_cast<int64_t>(m.barcodes.size()));
  return m;
}

int64_t keep_gene_expression(TenxMatrix& m) {
  if (m.feature_types.empty()) return 0;
  std::vector<int32_t> new_index(m.feature_types.size(), -1);
  TenxMatrix kept;
  for (size_t g = 0; g < m.feature_types.size(); ++g) {
    if (m.feature_types[g] != "Gene Expression") continue;
    new_index[g] = static_cast<int32_t>(kept.feature_ids.size());
    kept.feature_ids.push_back(m.feature_ids[g]);
    kept.feature_names.push_back(m.feature_names[g]);
    kept.feature_types.push_back(m.feature_types[g]);
  }
  const int64_t dropped = static_cast<int64_t>(m.feature_types.size() - kept.feature_ids.size());
  if (dropped == 0) return 0;
  kept.barcodes = std::move(m.barcodes);
  kept.counts.n_cols = static_cast<int64_t>(kept.feature_ids.size());
  std::vector<int32_t> cols;
  std::vector<float> values;
  for (int64_t r = 0; r < m.counts.n_rows; ++r) {
    cols.clear();
    values.clear();
    for (int64_t k = m.counts.indptr[r]; k < m.counts.indptr[r + 1]; ++k) {
      if (new_index[m.counts.indices[k]] < 0) continue;
      cols.push_back(new_index[m.counts.indices[k]]);
      values.push_back(m.counts.data[k]);
    }
    kept.counts.append_row(cols, values);
  }
  m = std::move(kept);
  return dropped;
}

}  // namespace stx
