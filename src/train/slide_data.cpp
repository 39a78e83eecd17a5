#include "stx/train/slide_data.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "stx/core/error.hpp"
#include "stx/core/rows_of.hpp"
#include "stx/core/text_lines.hpp"
#include "stx/expression/highly_variable.hpp"
#include "stx/expression/normalize.hpp"
#include "stx/expression/pearson_residuals.hpp"

namespace stx {

namespace {
std::unordered_map<std::string, int64_t> index_of(const std::vector<std::string>& names) {
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < names.size(); ++i) index.emplace(names[i], static_cast<int64_t>(i));
  return index;
}

// Rows `rows` of a per-spot array of a section of `n` spots (as wide as it is).
template <typename T>
std::vector<T> spot_rows(const std::vector<T>& values, const std::vector<int64_t>& rows, int64_t n) {
  return n == 0 ? std::vector<T>{} : rows_of(values, rows, values.size() / static_cast<size_t>(n));
}

std::vector<double> times(const std::vector<double>& pixels, double um_per_px) {
  std::vector<double> um(pixels.size());
  for (size_t i = 0; i < pixels.size(); ++i) um[i] = pixels[i] * um_per_px;
  return um;
}
}  // namespace

std::vector<double> SlideData::x_um() const { return times(spots.pixel_x, spots.um_per_px); }
std::vector<double> SlideData::y_um() const { return times(spots.pixel_y, spots.um_per_px); }

SlideData SlideData::select_spots(const std::vector<int64_t>& rows) const {
  validate();
  const int64_t n = n_spots();
  SlideData part;
  part.spots = spots.select_spots(rows, false);
  part.slide_rows = spot_rows(slide_rows, rows, n);
  part.group = group;
  part.feature_dim = feature_dim;
  part.features = spot_rows(features, rows, n);
  part.genes = spot_rows(genes, rows, n);
  part.pathways = spot_rows(pathways, rows, n);
  part.log_library_size = spot_rows(log_library_size, rows, n);
  part.tokens = spot_rows(tokens, rows, n);
  part.token_count = token_count;
  part.token_dim = token_dim;
  return part;
}

void SlideData::validate() const {
  const auto n = static_cast<size_t>(n_spots());
  const auto rows = [&](size_t size, size_t width, const char* what) {
    STX_CHECK(size == n * width, ShapeError, "section {}: {} has {} values, expected {} spots x {}", name(), what,
              size, n, width);
  };
  const auto whole_rows = [&](size_t size, const char* what) {
    STX_CHECK(n == 0 ? size == 0 : size % n == 0, ShapeError, "section {}: {} has {} values, not a row per spot ({})",
              name(), what, size, n);
  };
  if (!slide_rows.empty()) rows(slide_rows.size(), 1, "slide rows");
  if (!log_library_size.empty()) rows(log_library_size.size(), 1, "log library sizes");
  rows(features.size(), static_cast<size_t>(feature_dim), "features");
  rows(tokens.size(), static_cast<size_t>(token_count * token_dim), "tokens");
  whole_rows(genes.size(), "genes");
  whole_rows(pathways.size(), "pathways");
}

std::vector<std::string> read_gene_list(const std::string& path) {
  TextLines in(path);
  std::vector<std::string> genes;
  for (std::string line; in.next(line);)
    if (!line.empty()) genes.push_back(line);
  STX_CHECK(!genes.empty(), FormatError, "{}: no gene symbols", path);
  return genes;
}

std::vector<std::string> select_target_genes(const std::vector<const Slide*>& slides,
                                             const TargetGeneOptions& options) {
  STX_CHECK(!slides.empty(), ConfigError, "target genes: no slides with expression");
  std::vector<std::string> common = slides.front()->gene_symbols;
  for (const Slide* s : slides) {
    const std::unordered_set<std::string> here(s->gene_symbols.begin(), s->gene_symbols.end());
    common.erase(std::remove_if(common.begin(), common.end(),
                                [&](const std::string& g) { return !here.count(g); }),
                 common.end());
  }
  if (!options.genes.empty()) {
    const std::unordered_set<std::string> present(common.begin(), common.end());
    for (const auto& g : options.genes)
      STX_CHECK(present.count(g), ConfigError,
                "target genes: '{}' is not measured in every training slide", g);
    return options.genes;
  }
  GeneMoments moments(static_cast<int64_t>(common.size()));  // of log1p-CP10k, pooled
  for (const Slide* s : slides) {
    const auto column = index_of(s->gene_symbols);
    std::vector<int64_t> gene_of_column(static_cast<size_t>(s->n_genes()), -1);
    for (size_t g = 0; g < common.size(); ++g)
      gene_of_column[static_cast<size_t>(column.at(common[g]))] = static_cast<int64_t>(g);
    moments.add(log_normalize(s->counts), gene_of_column);
  }
  const auto ranked = highly_variable_genes(moments, options.count, options.min_detected_fraction);
  STX_CHECK(!ranked.empty(), ConfigError,
            "target genes: no gene is detected in {:.0f}% of the training spots",
            100 * options.min_detected_fraction);
  std::vector<std::string> genes;
  for (int64_t g : ranked) genes.push_back(common[static_cast<size_t>(g)]);
  return genes;
}

std::vector<uint8_t> gene_set_membership(const std::vector<GeneSet>& sets,
                                         const std::vector<std::string>& pathway_names,
                                         const std::vector<std::string>& genes) {
  std::unordered_map<std::string, const GeneSet*> by_name;
  for (const auto& s : sets) by_name.emplace(s.name, &s);
  const auto gene_index = index_of(genes);
  std::vector<uint8_t> membership(pathway_names.size() * genes.size(), 0);
  for (size_t p = 0; p < pathway_names.size(); ++p) {
    const auto it = by_name.find(pathway_names[p]);
    STX_CHECK(it != by_name.end(), ConfigError, "gene sets: no set named '{}'", pathway_names[p]);
    for (const auto& g : it->second->genes)
      if (const auto gi = gene_index.find(g); gi != gene_index.end())
        membership[p * genes.size() + static_cast<size_t>(gi->second)] = 1;
  }
  return membership;
}

std::vector<float> gene_set_overlap(const std::vector<GeneSet>& sets,
                                    const std::vector<std::string>& pathway_names) {
  std::unordered_map<std::string, std::unordered_set<std::string>> genes_of;
  for (const auto& s : sets) genes_of[s.name].insert(s.genes.begin(), s.genes.end());
  const size_t p = pathway_names.size();
  std::vector<const std::unordered_set<std::string>*> chosen;
  for (const auto& name : pathway_names) {
    const auto it = genes_of.find(name);
    STX_CHECK(it != genes_of.end(), ConfigError, "gene sets: no set named '{}'", name);
    chosen.push_back(&it->second);
  }
  std::vector<float> overlap(p * p, 0.f);
  for (size_t a = 0; a < p; ++a)
    for (size_t b = 0; b < p; ++b) {
      size_t shared = 0;
      for (const auto& g : *chosen[a]) shared += chosen[b]->count(g);
      const size_t either = chosen[a]->size() + chosen[b]->size() - shared;
      overlap[a * p + b] = either == 0 ? 0.f : static_cast<float>(shared) / static_cast<float>(either);
    }
  return overlap;
}

const NameTable<GeneTargetScale>& gene_target_scales() {
  static const NameTable<GeneTargetScale> table(
      "--target-norm", "gene target scale",
      {{GeneTargetScale::kLog1pCp10k, "log1p-cp10k"},
       {GeneTargetScale::kLog10Cp10kOverGenes, "log10-cp10k-over-genes"},
       {GeneTargetScale::kPearsonResiduals, "pearson-residuals"}});
  return table;
}

GeneTargetScale parse_gene_target_scale(const std::string& name) { return gene_target_scales().parse(name); }

std::string to_string(GeneTargetScale scale) { return gene_target_scales().name(scale); }

std::string describe(GeneTargetScale scale) {
  switch (scale) {
    case GeneTargetScale::kLog1pCp10k: return "log1p CP10k";
    case GeneTargetScale::kLog10Cp10kOverGenes: return "log10 CP10k over the target genes";
    case GeneTargetScale::kPearsonResiduals: return "Pearson residuals";
  }
  return "";
}

namespace {
// (kept spots, G) log10(1 + 1e4 · count / the spot's count over the G genes); 0 where none.
std::vector<float> log10_cp10k_over_genes(const CsrMatrix& counts, const std::vector<int64_t>& slot,
                                          int64_t n_genes) {
  std::vector<float> out(static_cast<size_t>(counts.n_rows * n_genes), 0.f);
  for (int64_t r = 0; r < counts.n_rows; ++r) {
    double total = 0;
    for (int64_t k = counts.indptr[r]; k < counts.indptr[r + 1]; ++k)
      if (slot[static_cast<size_t>(counts.indices[static_cast<size_t>(k)])] >= 0) total += counts.data[static_cast<size_t>(k)];
    if (total <= 0) continue;
    for (int64_t k = counts.indptr[r]; k < counts.indptr[r + 1]; ++k)
      if (const int64_t g = slot[static_cast<size_t>(counts.indices[static_cast<size_t>(k)])]; g >= 0)
        out[static_cast<size_t>(r * n_genes + g)] =
            static_cast<float>(std::log10(1.0 + 1e4 * counts.data[static_cast<size_t>(k)] / total));
  }
  return out;
}
}  // namespace

SlideData make_slide_data(const Slide& slide, const EncodedFeatures& features,
                          const PathwayScores* scores, const std::vector<std::string>& genes,
                          int64_t* dropped, GeneTargetScale scale) {
  STX_CHECK(std::isfinite(slide.um_per_px) && slide.um_per_px > 0, ConfigError,
            "{}: µm per pixel unknown; pass --um-per-px", slide.source_path);
  STX_CHECK(slide.has_coordinates(), FormatError, "{}: spots have no image coordinates",
            slide.source_path);
  STX_CHECK(slide.n_spots() > 0, FormatError, "{}: the slide has no spots", slide.source_path);
  const int64_t f_dim = features.dim();
  STX_CHECK(features.n_spots() == slide.n_spots(), ShapeError,
            "features of {} ({} spots) are not those of {} ({} spots): features of another slide?",
            features.key.empty() ? "the feature file" : "the cache", features.n_spots(), slide.name, slide.n_spots());
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < slide.n_spots(); ++i)
    if (!scores || !scores->flagged[static_cast<size_t>(i)]) keep.push_back(i);
  if (dropped) *dropped = slide.n_spots() - static_cast<int64_t>(keep.size());
  STX_CHECK(!keep.empty(), FormatError, "{}: no spot with counts left", slide.source_path);

  SlideData d;
  d.spots = slide.select_spots(keep, false);
  d.slide_rows = keep;
  d.group = slide.name;
  d.feature_dim = f_dim;
  for (int64_t i : keep) {
    const auto first = features.values.begin() + i * f_dim;
    for (auto it = first; it != first + f_dim; ++it)
      STX_CHECK(std::isfinite(*it), FormatError,
                "features of {}: spot '{}' has a NaN or infinite feature (column {})", slide.name,
                slide.spot_ids[i], features.feature_names[static_cast<size_t>(it - first)]);
    d.features.insert(d.features.end(), first, first + f_dim);
  }
  if (!scores) return d;

  STX_CHECK(scores->n_spots == slide.n_spots(), ShapeError,
            "{}: pathway scores for {} spots, slide has {}", slide.name, scores->n_spots,
            slide.n_spots());
  const auto column = index_of(slide.gene_symbols);
  std::vector<int64_t> gene_column;
  for (const auto& g : genes) {
    const auto it = column.find(g);
    STX_CHECK(it != column.end(), ConfigError, "{}: target gene '{}' is not measured",
              slide.source_path, g);
    gene_column.push_back(it->second);
  }
  const CsrMatrix kept_counts = slide.counts.select_rows(keep);
  const auto totals = slide.counts.row_sums();
  const int64_t n_genes = static_cast<int64_t>(genes.size());
  const int64_t n_pathways = static_cast<int64_t>(scores->pathways.size());
  std::vector<int64_t> slot(static_cast<size_t>(slide.n_genes()), -1);
  for (int64_t g = 0; g < n_genes; ++g) slot[static_cast<size_t>(gene_column[g])] = g;
  if (scale == GeneTargetScale::kLog10Cp10kOverGenes) {
    d.genes = log10_cp10k_over_genes(kept_counts, slot, n_genes);
  } else if (scale == GeneTargetScale::kPearsonResiduals) {
    d.genes = pearson_residuals(kept_counts, gene_column);
  } else {
    const CsrMatrix log_x = log_normalize(kept_counts);
    d.genes.assign(keep.size() * static_cast<size_t>(n_genes), 0.f);
    for (size_t r = 0; r < keep.size(); ++r)
      for (int64_t k = log_x.indptr[r]; k < log_x.indptr[r + 1]; ++k)
        if (const int64_t g = slot[static_cast<size_t>(log_x.indices[static_cast<size_t>(k)])]; g >= 0)
          d.genes[r * static_cast<size_t>(n_genes) + static_cast<size_t>(g)] = log_x.data[static_cast<size_t>(k)];
  }
  for (size_t r = 0; r < keep.size(); ++r) {
    for (int64_t p = 0; p < n_pathways; ++p) d.pathways.push_back(scores->at(keep[r], p));
    d.log_library_size.push_back(std::log1p(totals[static_cast<size_t>(keep[r])]));
  }
  return d;
}

void attach_tokens(SlideData& data, const Slide& slide, const std::vector<float>& tokens,
                   int64_t token_count, int64_t token_dim) {
  const int64_t per_spot = token_count * token_dim;
  STX_CHECK(per_spot > 0 && static_cast<int64_t>(tokens.size()) == slide.n_spots() * per_spot, ShapeError,
            "{}: {} token values for {} spots of {} x {}", slide.name, tokens.size(), slide.n_spots(),
            token_count, token_dim);
  STX_CHECK(data.spots.name == slide.name && data.slide_rows.size() == static_cast<size_t>(data.n_spots()), ShapeError,
            "{}: tokens of slide {} for spots of {}", slide.name, slide.name, data.name());
  data.tokens.clear();
  data.tokens.reserve(static_cast<size_t>(data.n_spots() * per_spot));
  for (int64_t row : data.slide_rows) {
    const auto first = tokens.begin() + row * per_spot;
    data.tokens.insert(data.tokens.end(), first, first + per_spot);
  }
  data.token_count = token_count;
  data.token_dim = token_dim;
}

}  // namespace stx
