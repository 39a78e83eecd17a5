// `stx predict <slide or H&E image> --model model.pt`: pathway activities and gene expression
// from the image alone. The features come from the encoder the model was trained with (its
// identity is checked); an image without spots gets pseudo-spots on its tissue.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "commands.hpp"
#include "prediction_maps.hpp"
#include "read_options.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/histology/feature_cache.hpp"
#include "stx/io/atomic_file.hpp"
#include "stx/io/h5ad.hpp"
#include "stx/train/dataset.hpp"
#include "stx/train/trained_model.hpp"

namespace stx::cli {
namespace fs = std::filesystem;

namespace {
struct PredictArgs {
  SlideArgs slide;
  PseudoSpotOptions grid;
  std::string grid_kind = "hex";
  std::string model;
  std::string output, tsv, maps;
  MapRequest map_request;
  std::string weights;
  std::string stain_reference;
  std::string cache_dir = "stx-cache";
  int threads = 0;
  std::string device = "cpu";
  bool force = false;
};

// The predicted genes as the matrix of a Slide (written as X), spots and image kept.
Slide prediction_slide(const Slide& source, const SlideData& spots, const Prediction& p,
                       const ModelMetadata& m) {
  Slide out;
  out.name = source.name;
  out.source_format = "stx-predict";
  out.source_path = source.source_path;
  out.spot_ids = spots.spot_ids;
  out.pixel_x = spots.pixel_x;
  out.pixel_y = spots.pixel_y;
  out.image = source.image;
  out.um_per_px = source.um_per_px;
  out.spot_diameter_px = source.spot_diameter_px;
  out.gene_symbols = m.genes;
  out.counts.n_cols = static_cast<int64_t>(m.genes.size());
  std::vector<int32_t> cols(m.genes.size());
  for (size_t g = 0; g < cols.size(); ++g) cols[g] = static_cast<int32_t>(g);
  for (int64_t i = 0; i < p.n_spots; ++i) {
    const auto first = p.genes.begin() + i * out.counts.n_cols;
    out.counts.append_row(cols, std::vector<float>(first, first + out.counts.n_cols));
  }
  return out;
}

void write_prediction_tsv(const SlideData& spots, const Prediction& p, const ModelMetadata& m,
                          const std::string& path) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary);
    STX_CHECK(out, IoError, "{}: cannot write", path);
    out << "spot\tx_px\ty_px";
    for (const auto& name : m.pathways) out << '\t' << name;
    for (const auto& name : m.genes) out << '\t' << name;
    out << '\n';
    const size_t n_p = m.pathways.size(), n_g = m.genes.size();
    for (int64_t i = 0; i < p.n_spots; ++i) {
      out << spots.spot_ids[i] << '\t' << spots.pixel_x[i] << '\t' << spots.pixel_y[i];
      for (size_t k = 0; k < n_p; ++k) out << '\t' << p.pathways[i * n_p + k];
      for (size_t k = 0; k < n_g; ++k) out << '\t' << p.genes[i * n_g + k];
      out << '\n';
    }
  }
  file.commit();
}
}  // namespace

Action add_predict(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = app.add_subcommand(
      "predict", "Predict pathway activity and gene expression from H&E alone");
  add_slide_options(cmd, args->slide, /*image_alone=*/true);
  cmd->add_option("-m,--model", args->model, "model.pt written by stx train")->required();
  cmd->add_option("-o,--output", args->output, "Write predictions as .h5ad")->required();
  cmd->add_option("--tsv", args->tsv, "Also write spots x (pathways, genes) as TSV");
  cmd->add_option("--maps", args->maps,
                  "Write PNG maps here: all pathways, measured vs predicted (when the slide "
                  "has expression), attention");
  cmd->add_option("--map-pathway", args->map_request.pathways,
                  "Pathway(s) for the attention and comparison maps (default: best predicted)");
  cmd->add_option("--weights", args->weights,
                  "Encoder weights, when they moved since training (torchscript/vit)");
  cmd->add_option("--grid", args->grid_kind, "Image only: pseudo-spot grid, hex or square")
      ->check(CLI::IsMember({"hex", "square"}))->capture_default_str();
  cmd->add_option("--pitch-um", args->grid.pitch_um, "Image only: pseudo-spot pitch in µm")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--stain-reference", args->stain_reference,
                  "Macenko reference image (default: the one the model was trained with, if any)");
  cmd->add_option("--cache-dir", args->cache_dir, "Feature cache folder")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads (default: all cores)");
  cmd->add_option("--device", args->device, "vit, swin encoders: cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))->capture_default_str();
  cmd->add_flag("--force", args->force, "Overwrite existing outputs");

  return [args, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    args->slide.read.format = parse_input_format(args->slide.format);
    args->slide.read.require_image = true;
    args->grid.kind = parse_grid_kind(args->grid_kind);
    check_output_path(args->output, args->force);
    check_output_path(args->tsv, args->force);
    if (!args->maps.empty()) make_output_folder(args->maps);
    const TrainedModel model = TrainedModel::load(args->model);
    const ModelMetadata& m = model.metadata();
    check_map_request(args->map_request, m);

    EncoderOptions encoder_options;
    encoder_options.name = m.encoder_name;
    encoder_options.weights = args->weights.empty() ? m.encoder_weights : args->weights;
    encoder_options.bf16 = m.encoder_bf16;
    encoder_options.stain_reference = args->stain_reference.empty() ? m.stain_reference : args->stain_reference;
    encoder_options.patch.size_um = m.patch_size_um;
    encoder_options.patch.size_px = m.patch_size_px;
    encoder_options.threads = args->threads;
    encoder_options.device = args->device;
    const auto encoder = make_encoder(encoder_options);
    STX_CHECK(encoder_identity(*encoder) == m.encoder_identity, ConfigError,
              "{}: the model was trained on features of '{}', but the encoder now gives '{}' "
              "(different weights or stain reference?)", args->model, m.encoder_identity, encoder_identity(*encoder));

    const Slide slide = read_slide_or_image(args->slide.read, args->grid);
    const CacheResult cached =
        encode_with_cache(slide, *encoder, encoder_options.patch, args->cache_dir, false);
    std::string why_no_truth;
    SlideData spots = slide_data_for_model(slide, cached.features, m, &why_no_truth);
    if (m.encoder_tail.blocks > 0)
      add_finetuning_tokens(spots, slide, *finetuning_vit(encoder_options, m.encoder_tail.blocks), encoder_options,
                            m.encoder_tail.blocks);
    Prediction p = model.predict(spots, !args->maps.empty(), args->threads);
    // Expression on either target scale is never negative; the linear decoder can dip just below 0. Clipping makes
    // the .h5ad a valid expression matrix for scanpy and for `stx domains`.
    for (float& g : p.genes) g = std::max(g, 0.0f);

    H5adExtras extras;
    extras.hires_image_px = 2000;
    extras.obsm.push_back({"pathway_activity", static_cast<int64_t>(m.pathways.size()), p.pathways});
    extras.uns_lists.push_back({"pathway_names", m.pathways});
    extras.uns_strings.push_back({"pathway_method", m.score_method});
    extras.uns_strings.push_back(
        {"stx_X", "QuadFlow-predicted " + describe(parse_gene_target_scale(m.gene_target_scale)) +
                      " expression, clipped at 0"});
    extras.uns_strings.push_back({"stx_model", fs::absolute(args->model).string()});
    extras.uns_strings.push_back({"stx_encoder", m.encoder_identity});
    extras.uns_strings.push_back({"stx_version", STX_VERSION});
    write_h5ad(prediction_slide(slide, spots, p, m), args->output, extras);
    if (!args->tsv.empty()) write_prediction_tsv(spots, p, m, args->tsv);
    std::vector<std::string> maps;
    if (!args->maps.empty())
      maps = write_prediction_maps(slide, spots, p, m, args->maps, args->map_request);
    fmt::print("  slide     = {} ({} spots{})\n", slide.name, spots.n_spots(),
               slide.counts.n_rows == 0 ? ", pseudo-spots on the tissue" : "");
    fmt::print("  model     = {} (trained on {})\n", args->model, fmt::join(m.training_slides, ", "));
    fmt::print("  predicted = {} pathways, {} genes per spot\n", m.pathways.size(), m.genes.size());
    if (!args->maps.empty() && !spots.has_targets())
      fmt::print("  no measured-vs-predicted maps: {}\n", why_no_truth);
    fmt::print("Wrote {}{}\n", args->output, args->tsv.empty() ? "" : " and " + args->tsv);
    for (const auto& path : maps) fmt::print("Wrote {}\n", path);
    return 0;
  };
}

}  // namespace stx::cli
