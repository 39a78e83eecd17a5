#include "trained_model_impl.hpp"

#include <filesystem>

#include "model_metadata.hpp"
#include "stx/core/error.hpp"
#include "stx/io/atomic_file.hpp"

namespace stx {

QuadFlow make_quadflow(const ModelMetadata& m) {
  const auto membership = torch::tensor(std::vector<float>(m.membership.begin(), m.membership.end()))
                              .view({m.model.n_pathways, m.model.n_genes});
  return QuadFlow(m.model, membership);
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
  return build_neighbourhood(slide.x_um, slide.y_um, options.neighbours, options.radius_pitches);
}

TrainedModel::TrainedModel() = default;
TrainedModel::~TrainedModel() = default;
TrainedModel::TrainedModel(const TrainedModel&) = default;
TrainedModel& TrainedModel::operator=(const TrainedModel&) = default;

TrainedModel::TrainedModel(ModelMetadata metadata, std::shared_ptr<void> module)
    : impl_(std::make_shared<Impl>()) {
  impl_->metadata = std::move(metadata);
  impl_->module = *std::static_pointer_cast<QuadFlow>(module);
}

const ModelMetadata& TrainedModel::metadata() const {
  STX_CHECK(impl_, ConfigError, "TrainedModel: empty model");
  return impl_->metadata;
}

void TrainedModel::save(const std::string& path) const {
  STX_CHECK(impl_, ConfigError, "TrainedModel: nothing to save");
  torch::serialize::OutputArchive archive, weights;
  impl_->module->save(weights);
  archive.write("weights", weights);
  archive.write("metadata", c10::IValue(metadata_to_json(impl_->metadata).dump()));
  AtomicFile file(path);
  try {
    archive.save_to(file.temp_path());
  } catch (const c10::Error& e) {
    throw IoError(fmt::format("{}: cannot write checkpoint: {}", path, torch_compat::first_line(e)));
  }
  file.commit();
}

TrainedModel TrainedModel::load(const std::string& path) {
  STX_CHECK(std::filesystem::is_regular_file(path), IoError, "{}: no such checkpoint", path);
  torch::serialize::InputArchive archive, weights;
  c10::IValue text;
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
  model.impl_->module = make_quadflow(model.impl_->metadata);
  try {
    archive.read("weights", weights);
    model.impl_->module->load(weights);
  } catch (const c10::Error& e) {
    throw FormatError(fmt::format("{}: checkpoint weights do not fit the model: {}", path,
                                  torch_compat::first_line(e)));
  }
  return model;
}

Prediction TrainedModel::predict(const SlideData& slide, bool attention, int threads) const {
  const ModelMetadata& m = metadata();
  STX_CHECK(slide.feature_dim == m.model.feature_dim, ShapeError,
            "{}: features have {} columns, the model was trained on {}", slide.name,
            slide.feature_dim, m.model.feature_dim);
  torch_compat::set_threads(threads);
  torch_compat::InferenceGuard guard;
  impl_->module->eval();
  const auto features = standardised(slide.features, slide.n_spots(), m.feature_mean, m.feature_sd);
  const auto out = impl_->module->forward(features, slide_neighbourhood(slide, m.model), attention);
  const auto unscale = [](const torch::Tensor& z, const std::vector<float>& mean,
                          const std::vector<float>& sd) {
    const auto c = static_cast<int64_t>(mean.size());
    const auto x = (z * torch::tensor(sd).view({1, c}) + torch::tensor(mean).view({1, c})).contiguous();
    return std::vector<float>(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
  };
  Prediction p;
  p.n_spots = slide.n_spots();
  p.pathways = unscale(out.pathways, m.pathway_mean, m.pathway_sd);
  p.genes = unscale(out.genes, m.gene_mean, m.gene_sd);
  if (attention && out.pathway_attention.defined()) {
    const auto a = out.pathway_attention.contiguous();
    p.pathway_attention.assign(a.data_ptr<float>(), a.data_ptr<float>() + a.numel());
  }
  return p;
}

}  // namespace stx
