#include "stx/pipeline/models.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "stx/pathways/scoring.hpp"
#include "stx/train/dataset.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/trained_model.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

ModelSummary summarise(const ModelEntry& entry) {
  const TrainedModel model = TrainedModel::load(entry.path);
  const ModelMetadata& m = model.metadata();
  ModelSummary s;
  s.entry = entry;
  s.training_slides = m.training_slides;
  s.training_um_per_px = m.training_um_per_px;
  s.encoder = m.encoder_identity;
  s.features = static_cast<int64_t>(m.feature_names.size());
  s.pathway_targets = fmt::format("{} pathways ({}; {})", m.pathways.size(), describe_scoring(target_scoring(m)), m.gene_sets);
  s.gene_targets = fmt::format("{} genes ({})", m.genes.size(), describe(parse_gene_target_scale(m.gene_target_scale)));
  s.members = model.members();
  s.bytes = static_cast<int64_t>(fs::file_size(entry.path));
  return s;
}

}  // namespace

std::vector<ModelSummary> list_models(const std::vector<std::string>& paths) {
  std::vector<ModelSummary> out;
  for (const auto& entry : shipped_models()) out.push_back(summarise(entry));
  for (const auto& path : paths) {
    std::error_code ec;
    const std::string file = fs::is_directory(path, ec) ? (fs::path(path) / "model.pt").string() : path;
    out.push_back(summarise(resolve_model(file)));
  }
  return out;
}

}  // namespace stx
