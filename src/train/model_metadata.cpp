#include "model_metadata.hpp"

#include <fmt/ranges.h>

#include <cmath>

#include "stx/core/error.hpp"
#include "stx/train/train_option_table.hpp"

namespace stx {
namespace {

// nlohmann converts any number to the field's type, and a double beyond the target's range
// (2.9e26 into an int64, 1e300 into a float) is undefined behaviour (UBSan, fuzz_model_metadata).
// Nothing stx writes comes near these bounds.
bool plain_numbers(const nlohmann::json& j, int depth) {
  if (depth > 8) return false;
  if (j.is_number_float()) return std::abs(j.get<double>()) <= 1e15;
  if (j.is_structured()) {
    for (const auto& item : j)
      if (!plain_numbers(item, depth + 1)) return false;
  }
  return true;
}

}  // namespace

nlohmann::json metadata_to_json(const ModelMetadata& m) {
  return {{"format", "stx-quadflow-1"},
          {"model", m.model},
          {"version", m.version},
          {"encoder_identity", m.encoder_identity},
          {"encoder_name", m.encoder_name},
          {"encoder_weights", m.encoder_weights},
          {"encoder_bf16", m.encoder_bf16},
          {"stain_reference", m.stain_reference},
          {"encoder_tail", m.encoder_tail.blocks == 0
                               ? nlohmann::json()
                               : nlohmann::json{{"blocks", m.encoder_tail.blocks},
                                                {"width", m.encoder_tail.width},
                                                {"heads", m.encoder_tail.heads},
                                                {"mlp", m.encoder_tail.mlp},
                                                {"layer_scale", m.encoder_tail.layer_scale},
                                                {"norm_eps", m.encoder_tail.norm_eps}}},
          {"patch_size_um", m.patch_size_um},
          {"patch_size_px", m.patch_size_px},
          {"score_method", m.score_method},
          {"score_max_rank", m.score_max_rank},
          {"score_thin_to", m.score_thin_to},
          {"gene_sets", m.gene_sets},
          {"pathways", m.pathways},
          {"genes", m.genes},
          {"gene_target_scale", m.gene_target_scale},
          {"feature_names", m.feature_names},
          {"membership", m.membership},
          {"pathway_overlap", m.pathway_overlap},
          {"feature_mean", m.feature_mean},
          {"feature_sd", m.feature_sd},
          {"gene_mean", m.gene_mean},
          {"gene_sd", m.gene_sd},
          {"pathway_mean", m.pathway_mean},
          {"pathway_sd", m.pathway_sd},
          {"training_slides", m.training_slides},
          {"training_um_per_px", m.training_um_per_px}};
}

namespace {

// The fields, as written; absent optional ones take the value older files meant.
ModelMetadata read_metadata_fields(const nlohmann::json& j, const std::string& source) {
  ModelMetadata m;
  try {
    j.at("model").get_to(m.model);
    j.at("version").get_to(m.version);
    j.at("encoder_identity").get_to(m.encoder_identity);
    j.at("encoder_name").get_to(m.encoder_name);
    j.at("encoder_weights").get_to(m.encoder_weights);
    m.encoder_bf16 = j.value("encoder_bf16", false);  // absent before bf16 existed
    m.stain_reference = j.value("stain_reference", "");
    if (j.contains("encoder_tail") && !j.at("encoder_tail").is_null()) {  // absent before fine-tuning
      const auto& t = j.at("encoder_tail");
      t.at("blocks").get_to(m.encoder_tail.blocks);
      t.at("width").get_to(m.encoder_tail.width);
      t.at("heads").get_to(m.encoder_tail.heads);
      t.at("mlp").get_to(m.encoder_tail.mlp);
      t.at("layer_scale").get_to(m.encoder_tail.layer_scale);
      t.at("norm_eps").get_to(m.encoder_tail.norm_eps);
    }
    j.at("patch_size_um").get_to(m.patch_size_um);
    j.at("patch_size_px").get_to(m.patch_size_px);
    j.at("score_method").get_to(m.score_method);
    m.score_max_rank = j.value("score_max_rank", int64_t{0});  // absent before depth-robust targets
    m.score_thin_to = j.value("score_thin_to", int64_t{0});
    j.at("gene_sets").get_to(m.gene_sets);
    j.at("pathways").get_to(m.pathways);
    j.at("genes").get_to(m.genes);
    m.gene_target_scale = j.value("gene_target_scale", "log1p-cp10k");  // absent before the HER2ST protocol
    j.at("feature_names").get_to(m.feature_names);
    j.at("membership").get_to(m.membership);
    if (j.contains("pathway_overlap")) j.at("pathway_overlap").get_to(m.pathway_overlap);
    j.at("feature_mean").get_to(m.feature_mean);
    j.at("feature_sd").get_to(m.feature_sd);
    j.at("gene_mean").get_to(m.gene_mean);
    j.at("gene_sd").get_to(m.gene_sd);
    j.at("pathway_mean").get_to(m.pathway_mean);
    j.at("pathway_sd").get_to(m.pathway_sd);
    j.at("training_slides").get_to(m.training_slides);
    if (j.contains("training_um_per_px")) j.at("training_um_per_px").get_to(m.training_um_per_px);
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(fmt::format("{}: checkpoint metadata: {}", source, e.what()));
  }
  return m;
}

// What a model file may ask for, checked before anything is allocated or multiplied.
void check_metadata(const ModelMetadata& m, const std::string& source) {
  STX_CHECK((m.score_max_rank == 0 || m.score_max_rank >= 2) && m.score_thin_to >= 0, FormatError,
            "{}: checkpoint metadata: score_max_rank must be 0 or >= 2 and score_thin_to >= 0 (found {} and {})",
            source, m.score_max_rank, m.score_thin_to);
  const auto& um = m.training_um_per_px;
  STX_CHECK(um.empty() || (um.size() == 2 && std::isfinite(um[0]) && std::isfinite(um[1]) && um[0] > 0 && um[0] <= um[1]),
            FormatError, "{}: checkpoint metadata: training_um_per_px must be [min, max] with 0 < min <= max", source);
  // the sizes a model file may ask to be built with, before anything is allocated or multiplied
  const QuadFlowOptions& o = m.model;
  STX_CHECK(o.feature_dim >= 1 && o.feature_dim <= 1'000'000 && o.n_pathways >= 1 && o.n_pathways <= 100'000 &&
                o.n_genes >= 1 && o.n_genes <= 1'000'000 && o.n_pathways * o.n_genes <= 1'000'000'000,
            FormatError, "{}: checkpoint metadata: {} features, {} pathways, {} genes; expected 1..10^6, 1..10^5, "
            "1..10^6 and at most 10^9 pathway-gene pairs", source, o.feature_dim, o.n_pathways, o.n_genes);
  // the architecture's ranges are those `stx train` accepts (train_option_table)
  TrainOptions as_trained;
  as_trained.model = o;
  bool trainable = o.heads >= 1 && o.width % o.heads == 0 && std::isfinite(o.radius_pitches) &&
                   o.radius_pitches > 0 && o.radius_pitches <= 1000;
  std::string ranges;
  for (const auto& option : numeric_train_options()) {
    if (!option.architecture) continue;
    const double v = train_option_value(option, as_trained);
    trainable = trainable && std::isfinite(v) && v >= option.min && v <= option.max;
    ranges += fmt::format("{} {:g}..{:g}, ", option.key, option.min, option.max);
  }
  STX_CHECK(trainable, FormatError, "{}: checkpoint metadata: model '{}' is outside what stx trains ({}heads "
            "dividing the width, radius (0, 1000] pitches)", source, describe(o), ranges);
  const ViTTailShape& t = m.encoder_tail;
  STX_CHECK(t.blocks >= 0 && t.blocks <= 64 &&
                (t.blocks == 0 || (t.width >= 1 && t.width <= 4096 && t.heads >= 1 && t.width % t.heads == 0 &&
                                   t.mlp >= 1 && t.mlp <= 65536 && std::isfinite(t.norm_eps) && t.norm_eps > 0)),
            FormatError, "{}: checkpoint metadata: encoder tail of {} blocks, width {}, {} heads, mlp {}; expected "
            "0..64 blocks, width 1..4096 divided by the heads, mlp 1..65536", source, t.blocks, t.width, t.heads, t.mlp);
  const auto f = static_cast<size_t>(m.model.feature_dim), g = static_cast<size_t>(m.model.n_genes),
             p = static_cast<size_t>(m.model.n_pathways);
  STX_CHECK(m.feature_mean.size() == f && m.feature_sd.size() == f && m.genes.size() == g &&
                m.gene_mean.size() == g && m.gene_sd.size() == g && m.pathways.size() == p &&
                m.pathway_mean.size() == p && m.pathway_sd.size() == p &&
                m.membership.size() == p * g &&
                (m.pathway_overlap.empty() || m.pathway_overlap.size() == p * p),
            FormatError, "{}: checkpoint metadata sizes disagree with the model ({} features, {} "
            "genes, {} pathways)", source, f, g, p);
  // what a model file may ask of the encoder: patches a reader can cut, at sizes a model has
  STX_CHECK(std::isfinite(m.patch_size_um) && m.patch_size_um > 0 && m.patch_size_um <= 10000 &&
                m.patch_size_px >= 16 && m.patch_size_px <= 4096,
            FormatError, "{}: checkpoint metadata: patch of {} µm at {} px; expected up to 10000 µm at 16 to 4096 px",
            source, m.patch_size_um, m.patch_size_px);
  for (const auto* scale : {&m.feature_sd, &m.gene_sd, &m.pathway_sd})
    for (float sd : *scale)
      STX_CHECK(std::isfinite(sd) && sd > 0, FormatError, "{}: checkpoint metadata: a standard deviation of {}",
                source, sd);
}

}  // namespace

ModelMetadata metadata_from_json(const nlohmann::json& j, const std::string& source) {
  const auto format = [&]() -> std::string {
    if (!j.is_object()) return "not an object";
    if (!j.contains("format") || !j.at("format").is_string()) return "none";
    return j.at("format").get<std::string>();
  }();
  // a later stx may write stx-quadflow-2 and on: say so, rather than "not a checkpoint"
  const std::string family = "stx-quadflow-";
  STX_CHECK(format.rfind(family, 0) != 0 || format == "stx-quadflow-1", FormatError,
            "{}: written by a newer stx (model format '{}'; this stx reads 'stx-quadflow-1'): update stx",
            source, format);
  STX_CHECK(format == "stx-quadflow-1", FormatError,
            "{}: not a QuadFlow checkpoint (format '{}', expected 'stx-quadflow-1')", source, format);
  STX_CHECK(plain_numbers(j, 0), FormatError,
            "{}: checkpoint metadata: a number beyond 1e15 in magnitude, or nesting deeper than 8 levels", source);
  ModelMetadata m = read_metadata_fields(j, source);
  check_metadata(m, source);
  return m;
}

int64_t pathway_index(const ModelMetadata& m, const std::string& name) {
  for (size_t p = 0; p < m.pathways.size(); ++p)
    if (m.pathways[p] == name || m.pathways[p] == "HALLMARK_" + name) return static_cast<int64_t>(p);
  throw ConfigError(fmt::format("--pathway: the model has no pathway '{}'; it has {}", name,
                                fmt::join(m.pathways, ", ")));
}

}  // namespace stx
