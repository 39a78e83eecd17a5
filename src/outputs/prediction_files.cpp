#include "stx/outputs/prediction_files.hpp"

#include <algorithm>
#include <filesystem>

#include "stx/core/error.hpp"
#include "stx/io/hdf5/h5ad.hpp"
#include "stx/io/files/tsv_writer.hpp"

namespace stx {
namespace fs = std::filesystem;

void clip_predicted_genes(Prediction& p) {
  for (float& g : p.genes) g = std::max(g, 0.0f);
}

Slide prediction_slide(const SlideData& data, const Prediction& p, const ModelMetadata& m) {
  STX_CHECK(p.n_spots == data.n_spots() && p.pathways.size() == static_cast<size_t>(p.n_spots) * m.pathways.size() &&
                p.genes.size() == static_cast<size_t>(p.n_spots) * m.genes.size(),
            ShapeError, "{}: a prediction of {} spots ({} pathway and {} gene values) for {} spots, {} pathways and {} genes",
            data.name(), p.n_spots, p.pathways.size(), p.genes.size(), data.n_spots(), m.pathways.size(), m.genes.size());
  // The predicted spots with what describes them (grid position, in_tissue, labels), so that a
  // prediction can be set beside the slide's annotations; what was computed on the source
  // (its obsm, flags, uns) and its expression stay behind.
  Slide out = data.spots;
  out.source_format = "stx-predict";
  out.obsm.clear();
  out.obs_flags.clear();
  out.uns_strings.clear();
  out.uns_lists.clear();
  out.notes.clear();
  out.warnings.clear();
  out.gene_symbols = m.genes;
  out.gene_ids.clear();
  out.counts = CsrMatrix{};
  out.counts.n_cols = static_cast<int64_t>(m.genes.size());
  std::vector<int32_t> cols(m.genes.size());
  for (size_t g = 0; g < cols.size(); ++g) cols[g] = static_cast<int32_t>(g);
  for (int64_t i = 0; i < p.n_spots; ++i) {
    const auto first = p.genes.begin() + i * out.counts.n_cols;
    out.counts.append_row(cols, std::vector<float>(first, first + out.counts.n_cols));
  }
  return out;
}

Slide prediction_output_slide(const SlideData& data, const Prediction& p,
                              const ModelMetadata& m, const std::string& model_path, const std::string& version,
                              const std::vector<float>& out_of_domain) {
  Slide out = prediction_slide(data, p, m);
  out.set_obsm("pathway_activity", static_cast<int64_t>(m.pathways.size()), p.pathways);
  if (!out_of_domain.empty()) out.set_obsm("stx_out_of_domain", 1, out_of_domain);
  out.uns_lists["pathway_names"] = m.pathways;
  out.uns_strings["pathway_method"] = m.score_method;
  out.uns_strings["stx_X"] = "QuadFlow-predicted " + describe(parse_gene_target_scale(m.gene_target_scale)) +
                             " expression, clipped at 0";
  out.uns_strings["stx_model"] = fs::absolute(model_path).string();
  out.uns_strings["stx_encoder"] = m.encoder_identity;
  out.uns_strings["stx_version"] = version;
  return out;
}

void write_prediction_h5ad(const Slide& prediction, const std::string& path) {
  H5adWriteOptions options;
  options.hires_image_px = 2000;
  write_h5ad(prediction, path, options);
}

void write_prediction_tsv(const SlideData& data, const Prediction& p, const ModelMetadata& m,
                          const std::vector<float>& out_of_domain, const std::string& path) {
  std::vector<std::string> columns = {"spot", "x_px", "y_px"};
  columns.insert(columns.end(), m.pathways.begin(), m.pathways.end());
  columns.insert(columns.end(), m.genes.begin(), m.genes.end());
  if (!out_of_domain.empty()) columns.push_back("out_of_domain");
  TsvWriter tsv(path, columns);
  const size_t n_p = m.pathways.size(), n_g = m.genes.size();
  for (int64_t i = 0; i < p.n_spots; ++i) {
    tsv.text(data.spots.spot_ids[i]).number(data.spots.pixel_x[i]).number(data.spots.pixel_y[i]);
    for (size_t k = 0; k < n_p; ++k) tsv.number(p.pathways[i * n_p + k]);
    for (size_t k = 0; k < n_g; ++k) tsv.number(p.genes[i * n_g + k]);
    if (!out_of_domain.empty()) tsv.number(out_of_domain[static_cast<size_t>(i)]);
    tsv.end_row();
  }
  tsv.commit();
}

}  // namespace stx
