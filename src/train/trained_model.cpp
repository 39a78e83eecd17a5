#include "trained_model_impl.hpp"

#include <filesystem>

#include "model_metadata.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/torch/archive_code.hpp"
#include "stx/torch/tensor_values.hpp"

namespace stx {

namespace {
// Archive entries: "weights" for the first member (as in single-model checkpoints), then
// "weights_2", "weights_3", ...
std::string weights_entry(size_t k) { return k == 0 ? "weights" : "weights_" + std::to_string(k + 1); }
}  // namespace

QuadFlow make_quadflow(const ModelMetadata& m) {
  const auto membership = torch::tensor(std::vector<float>(m.membership.begin(), m.membership.end()))
                              .view({m.model.n_pathways, m.model.n_genes});
  const auto overlap = m.pathway_overlap.empty()
                           ? torch::Tensor()
                           : torch::tensor(m.pathway_overlap).view({m.model.n_pathways, m.model.n_pathways});
  QuadFlow model(m.model, membership, overlap);
  if (m.encoder_tail.blocks > 0) model->register_module("encoder_tail", ViTTail(m.encoder_tail));
  return model;
}

ViTTail encoder_tail(const QuadFlow& model) {
  const auto children = model->named_children();
  const auto* child = children.find("encoder_tail");
  return child ? ViTTail(std::dynamic_pointer_cast<ViTTailImpl>(*child)) : ViTTail(nullptr);
}

torch::Tensor model_input(const QuadFlow& model, const torch::Tensor& features, const torch::Tensor& tokens,
                          const ModelMetadata& m) {
  ViTTail tail = encoder_tail(model);
  if (!tail) return features;
  if (m.model.slide_feature_norm) {  // over the spots given: the slide's, or a training crop's
    const auto out = tail->forward(tokens);
    const auto x = out - out.mean(0, true);
    // population sd, as standardise_columns; the tiny floor keeps sqrt's gradient finite on a
    // constant column (which the where() then leaves unscaled)
    const auto sd = (x.pow(2).mean(0, true) + kConstantColumnSd * kConstantColumnSd).sqrt();
    return x / torch::where(sd > kConstantColumnSd, sd, torch::ones_like(sd));
  }
  const auto mean = torch::tensor(m.feature_mean).to(tokens.device());
  const auto sd = torch::tensor(m.feature_sd).to(tokens.device());
  return (tail->forward(tokens) - mean) / sd;
}

torch::Tensor slide_tokens(const SlideData& s, const ViTTailShape& shape) {
  if (shape.blocks == 0) return {};
  STX_CHECK(!s.tokens.empty(), ConfigError,
            "{}: the model fine-tuned its ViT's last {} block(s) and needs the slide's ViT tokens "
            "(--encoder vit --weights with the training weights)", s.name(), shape.blocks);
  STX_CHECK(s.token_dim == shape.width && static_cast<int64_t>(s.tokens.size()) == s.n_spots() * s.token_count * s.token_dim,
            ShapeError, "{}: tokens of width {} for a ViT tail of width {}", s.name(), s.token_dim, shape.width);
  return torch::from_blob(const_cast<float*>(s.tokens.data()), {s.n_spots(), s.token_count, s.token_dim},
                          torch::kFloat32).clone();
}

torch::Tensor input_features(const SlideData& s, const ModelMetadata& m) {
  if (!m.model.slide_feature_norm) return standardised(s.features, s.n_spots(), m.feature_mean, m.feature_sd);
  const auto z = standardise_columns(s.features, s.feature_dim);
  return torch::tensor(z).view({s.n_spots(), s.feature_dim});
}

torch::Tensor standardised(const std::vector<float>& values, int64_t n, const std::vector<float>& mean,
                           const std::vector<float>& sd) {
  const int64_t c = static_cast<int64_t>(mean.size());
  STX_CHECK(static_cast<int64_t>(values.size()) == n * c, ShapeError,
            "expected {} x {} values, found {}", n, c, values.size());
  const auto x = torch::from_blob(const_cast<float*>(values.data()), {n, c}, torch::kFloat32);
  const auto m = torch::from_blob(const_cast<float*>(mean.data()), {c}, torch::kFloat32);
  const auto s = torch::from_blob(const_cast<float*>(sd.data()), {c}, torch::kFloat32);
  return (x - m) / s;  // a new tensor: the inputs are not aliased
}

Neighbourhood slide_neighbourhood(const SlideData& slide, const QuadFlowOptions& options) {
  return build_neighbourhood(slide.x_um(), slide.y_um(), options.neighbours, options.radius_pitches);
}

TrainedModel::TrainedModel() = default;
TrainedModel::~TrainedModel() = default;
TrainedModel::TrainedModel(const TrainedModel&) = default;
TrainedModel& TrainedModel::operator=(const TrainedModel&) = default;

TrainedModel::TrainedModel(ModelMetadata metadata, std::shared_ptr<void> module)
    : impl_(std::make_shared<Impl>()) {
  impl_->metadata = std::move(metadata);
  impl_->modules.push_back(*std::static_pointer_cast<QuadFlow>(module));
}

TrainedModel TrainedModel::average(const std::vector<TrainedModel>& members) {
  STX_CHECK(!members.empty(), ConfigError, "TrainedModel::average: no members");
  TrainedModel model;
  model.impl_ = std::make_shared<Impl>();
  model.impl_->metadata = members.front().metadata();
  const std::string reference = metadata_to_json(model.impl_->metadata).dump();
  for (const auto& member : members) {
    STX_CHECK(metadata_to_json(member.metadata()).dump() == reference, ConfigError,
              "TrainedModel::average: members were trained on different data or options");
    for (const auto& module : member.impl_->modules) model.impl_->modules.push_back(module);
  }
  return model;
}

int64_t TrainedModel::members() const { return impl_ ? static_cast<int64_t>(impl_->modules.size()) : 0; }

const ModelMetadata& TrainedModel::metadata() const {
  STX_CHECK(impl_, ConfigError, "TrainedModel: empty model");
  return impl_->metadata;
}

void TrainedModel::save(const std::string& path) const {
  StagedFiles staged;
  save(path, staged);
  staged.commit();
}

void TrainedModel::save(const std::string& path, StagedFiles& staged) const {
  STX_CHECK(impl_, ConfigError, "TrainedModel: nothing to save");
  torch::serialize::OutputArchive archive;
  for (size_t k = 0; k < impl_->modules.size(); ++k) {
    torch::serialize::OutputArchive weights;
    impl_->modules[k]->save(weights);
    archive.write(weights_entry(k), weights);
  }
  archive.write("members", c10::IValue(static_cast<int64_t>(impl_->modules.size())));
  archive.write("metadata", c10::IValue(metadata_to_json(impl_->metadata).dump()));
  staged.write(path, torch_compat::archive_bytes(archive));
}

TrainedModel TrainedModel::load(const std::string& path) {
  STX_CHECK(std::filesystem::is_regular_file(path), IoError, "{}: no such checkpoint", path);
  check_archive_holds_no_code(path);
  torch::serialize::InputArchive archive;
  c10::IValue text, members;
  try {
    archive.load_from(path);
    STX_CHECK(archive.try_read("metadata", text) && text.isString(), FormatError,
              "{}: not a QuadFlow checkpoint (no 'metadata' entry)", path);
  } catch (const c10::Error& e) {
    throw FormatError(fmt::format("{}: not a QuadFlow checkpoint: {}", path, torch_compat::first_line(e)));
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.toStringRef());
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(fmt::format("{}: checkpoint metadata is not JSON: {}", path, e.what()));
  }
  TrainedModel model;
  model.impl_ = std::make_shared<Impl>();
  model.impl_->metadata = metadata_from_json(j, path);
  try {
    const int64_t count = archive.try_read("members", members) && members.isInt() ? members.toInt() : 1;
    STX_CHECK(count >= 1 && count <= 1000, FormatError, "{}: {} ensemble members", path, count);
    for (int64_t k = 0; k < count; ++k) {
      torch::serialize::InputArchive weights;
      archive.read(weights_entry(static_cast<size_t>(k)), weights);
      model.impl_->modules.push_back(make_quadflow(model.impl_->metadata));
      model.impl_->modules.back()->load(weights);
    }
  } catch (const c10::Error& e) {
    throw FormatError(fmt::format("{}: checkpoint weights do not fit the model: {}", path,
                                  torch_compat::first_line(e)));
  }
  return model;
}

Prediction TrainedModel::predict(const SlideData& slide, bool attention, int threads) const {
  const ModelMetadata& m = metadata();
  STX_CHECK(slide.feature_dim == m.model.feature_dim, ShapeError,
            "{}: features have {} columns, the model was trained on {}", slide.name(),
            slide.feature_dim, m.model.feature_dim);
  torch_compat::set_threads(threads);
  torch_compat::InferenceGuard guard;
  if (m.model.slide_feature_norm && slide.n_spots() < kFewSpotsForSlideNorm)
    log()->warn("{}: {} spots; the model standardises features over each slide's spots, which needs "
                "a whole slide (or its pseudo-spot grid) to be reliable", slide.name(), slide.n_spots());
  const auto features = input_features(slide, m);
  const auto tokens = slide_tokens(slide, m.encoder_tail);
  const Neighbourhood nb = slide_neighbourhood(slide, m.model);
  QuadFlowOutput out;  // the members' mean
  for (auto& module : impl_->modules) {
    module->eval();
    const auto o = module->forward(model_input(module, features, tokens, m), nb, attention);
    out.pathways = out.pathways.defined() ? out.pathways + o.pathways : o.pathways;
    out.genes = out.genes.defined() ? out.genes + o.genes : o.genes;
    if (o.pathway_attention.defined())
      out.pathway_attention = out.pathway_attention.defined() ? out.pathway_attention + o.pathway_attention
                                                              : o.pathway_attention;
  }
  const double n = static_cast<double>(impl_->modules.size());
  out.pathways = out.pathways / n;
  out.genes = out.genes / n;
  if (out.pathway_attention.defined()) out.pathway_attention = out.pathway_attention / n;
  const auto unscale = [](const torch::Tensor& z, const std::vector<float>& mean,
                          const std::vector<float>& sd) {
    const auto c = static_cast<int64_t>(mean.size());
    return to_vector(z * torch::tensor(sd).view({1, c}) + torch::tensor(mean).view({1, c}));
  };
  Prediction p;
  p.n_spots = slide.n_spots();
  p.pathways = unscale(out.pathways, m.pathway_mean, m.pathway_sd);
  p.genes = unscale(out.genes, m.gene_mean, m.gene_sd);
  if (attention && out.pathway_attention.defined()) p.pathway_attention = to_vector(out.pathway_attention);
  return p;
}

}  // namespace stx
