// Slide consistency checks and the summary `stx ingest` prints.
#include "stx/io/slide/slide.hpp"

#include <algorithm>
#include <unordered_map>

#include "stx/core/error.hpp"
#include "stx/core/rows_of.hpp"
#include "stx/stats/stats.hpp"

namespace stx {
namespace {

void check_per_spot(size_t size, int64_t n_spots, const char* field, const std::string& name) {
  STX_CHECK(size == 0 || static_cast<int64_t>(size) == n_spots, ShapeError,
            "slide '{}': {} has {} entries, expected one per spot ({})", name, field, size,
            n_spots);
}

// A slide without spots summarises as 0 counts and genes per spot.
double median_or_zero(const std::vector<double>& values) { return values.empty() ? 0.0 : median(values); }

}  // namespace

void Slide::validate() const {
  counts.validate("slide '" + name + "' counts");
  STX_CHECK(counts.n_rows == n_spots(), ShapeError,
            "slide '{}': counts have {} rows but there are {} spot ids", name, counts.n_rows,
            n_spots());
  STX_CHECK(counts.n_cols == n_genes(), ShapeError,
            "slide '{}': counts have {} columns but there are {} gene symbols", name,
            counts.n_cols, n_genes());
  check_per_spot(array_row.size(), n_spots(), "array_row", name);
  check_per_spot(array_col.size(), n_spots(), "array_col", name);
  check_per_spot(pixel_x.size(), n_spots(), "pixel_x", name);
  check_per_spot(pixel_y.size(), n_spots(), "pixel_y", name);
  check_per_spot(in_tissue.size(), n_spots(), "in_tissue", name);
  check_per_spot(labels.size(), n_spots(), "labels", name);
  STX_CHECK(pixel_x.size() == pixel_y.size(), ShapeError,
            "slide '{}': pixel_x and pixel_y differ in length", name);
  for (const auto& [key, m] : obsm)
    STX_CHECK(static_cast<int64_t>(m.values.size()) == n_spots() * m.cols, ShapeError,
              "slide '{}': obsm['{}'] has {} values, expected {} spots x {} columns", name, key,
              m.values.size(), n_spots(), m.cols);
  for (const auto& [key, flags] : obs_flags)
    STX_CHECK(static_cast<int64_t>(flags.size()) == n_spots(), ShapeError,
              "slide '{}': obs['{}'] has {} values for {} spots", name, key, flags.size(), n_spots());
  STX_CHECK(gene_ids.empty() || gene_ids.size() == gene_symbols.size(), ShapeError,
            "slide '{}': {} gene ids for {} gene symbols", name, gene_ids.size(),
            gene_symbols.size());
}
Slide Slide::select_spots(const std::vector<int64_t>& rows, bool expression) const {
  for (int64_t r : rows)
    STX_CHECK(r >= 0 && r < n_spots(), ShapeError, "slide '{}': spot row {} of {} spots", name, r, n_spots());
  Slide out;
  out.name = name;
  out.source_format = source_format;
  out.source_path = source_path;
  out.image = image;
  out.um_per_px = um_per_px;
  out.spot_diameter_px = spot_diameter_px;
  out.spot_ids = rows_of(spot_ids, rows);
  out.array_row = rows_of(array_row, rows);
  out.array_col = rows_of(array_col, rows);
  out.pixel_x = rows_of(pixel_x, rows);
  out.pixel_y = rows_of(pixel_y, rows);
  out.in_tissue = rows_of(in_tissue, rows);
  out.labels = rows_of(labels, rows);
  for (const auto& [key, m] : obsm)
    out.obsm[key] = SpotMatrix{m.cols, rows_of(m.values, rows, static_cast<size_t>(m.cols))};
  for (const auto& [key, flags] : obs_flags) out.obs_flags[key] = rows_of(flags, rows);
  out.uns_strings = uns_strings;
  out.uns_lists = uns_lists;
  if (expression) {
    out.counts = counts.select_rows(rows);
    out.gene_symbols = gene_symbols;
    out.gene_ids = gene_ids;
  } else {
    out.counts = CsrMatrix{};
    out.counts.n_rows = static_cast<int64_t>(rows.size());
    out.counts.indptr.assign(rows.size() + 1, 0);
  }
  return out;
}

std::vector<int64_t> Slide::rows_of_spots(const std::vector<std::string>& ids) const {
  std::unordered_map<std::string, int64_t> row;
  for (size_t i = 0; i < spot_ids.size(); ++i) row.emplace(spot_ids[i], static_cast<int64_t>(i));
  std::vector<int64_t> rows;
  rows.reserve(ids.size());
  for (const auto& id : ids) {
    const auto it = row.find(id);
    rows.push_back(it == row.end() ? -1 : it->second);
  }
  return rows;
}

void Slide::set_obsm(const std::string& key, int64_t cols, std::vector<float> values) {
  STX_CHECK(cols >= 0 && static_cast<int64_t>(values.size()) == n_spots() * cols, ShapeError,
            "slide '{}': obsm['{}'] has {} values, expected {} spots x {} columns", name, key, values.size(),
            n_spots(), cols);
  obsm[key] = SpotMatrix{cols, std::move(values)};
}

void Slide::set_obs_flag(const std::string& key, std::vector<uint8_t> flags) {
  STX_CHECK(static_cast<int64_t>(flags.size()) == n_spots(), ShapeError,
            "slide '{}': obs['{}'] has {} values for {} spots", name, key, flags.size(), n_spots());
  obs_flags[key] = std::move(flags);
}

const SpotMatrix* Slide::find_obsm(const std::string& key) const {
  const auto it = obsm.find(key);
  return it == obsm.end() ? nullptr : &it->second;
}

SlideSummary summarize(const Slide& slide) {
  SlideSummary s;
  s.n_spots = slide.n_spots();
  s.n_genes = slide.n_genes();
  if (!slide.in_tissue.empty())
    s.n_in_tissue = std::count(slide.in_tissue.begin(), slide.in_tissue.end(), uint8_t{1});
  const std::vector<double> sums = slide.counts.row_sums();
  for (double v : sums) {
    s.total_counts += v;
    s.zero_count_spots += v == 0.0;
  }
  s.median_counts_per_spot = median_or_zero(sums);
  const std::vector<int64_t> genes_per_spot = slide.counts.row_nonzeros();
  s.median_genes_per_spot = median_or_zero(std::vector<double>(genes_per_spot.begin(), genes_per_spot.end()));
  const std::vector<int64_t> spots_per_gene = slide.counts.col_nonzeros();
  s.genes_detected = std::count_if(spots_per_gene.begin(), spots_per_gene.end(),
                                   [](int64_t n) { return n > 0; });
  if (slide.image) {
    s.image_width = slide.image->width();
    s.image_height = slide.image->height();
  }
  s.um_per_px = slide.um_per_px;
  return s;
}

}  // namespace stx
