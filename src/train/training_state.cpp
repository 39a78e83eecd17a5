#include "training_state.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stx/core/error.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/torch/archive_code.hpp"
#include "trained_model_impl.hpp"

namespace stx {

std::unique_ptr<torch::optim::AdamW> make_optimizer(const QuadFlow& model, double learning_rate, double weight_decay) {
  std::vector<torch::Tensor> tail_parameters, quadflow_parameters;
  if (const ViTTail tail = encoder_tail(model)) tail_parameters = tail->parameters();
  for (const auto& p : model->parameters()) {
    const bool in_tail = std::any_of(tail_parameters.begin(), tail_parameters.end(),
                                     [&](const torch::Tensor& t) { return t.is_same(p); });
    if (!in_tail) quadflow_parameters.push_back(p);
  }
  std::vector<torch::optim::OptimizerParamGroup> groups = {torch::optim::OptimizerParamGroup(quadflow_parameters)};
  if (!tail_parameters.empty()) groups.emplace_back(tail_parameters);
  return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(learning_rate).weight_decay(weight_decay));
}

void restore_checkpoint(const std::string& path, const std::string& fingerprint, TrainingState& state) {
  check_archive_holds_no_code(path);
  torch::serialize::InputArchive archive, model_archive, best_archive, optimizer_archive;
  c10::IValue state_text;
  try {
    archive.load_from(path);
    archive.read("state", state_text);
    const auto saved = nlohmann::json::parse(state_text.toStringRef());
    STX_CHECK(saved.at("fingerprint").get<std::string>() == fingerprint, ConfigError,
              "{}: the checkpoint is from a different configuration or data; use a new --out "
              "or leave out --resume", path);
    archive.read("model", model_archive);
    archive.read("best", best_archive);
    archive.read("optimizer", optimizer_archive);
    state.model->load(model_archive);
    state.best->load(best_archive);
    state.optimizer->load(optimizer_archive);
    state.epochs_done = saved.at("epochs_done");
    state.bad_epochs = saved.at("bad_epochs");
    state.best_val = saved.at("best_val").is_null() ? std::numeric_limits<double>::infinity()
                                                    : saved.at("best_val").get<double>();
    state.history = saved.at("history");
  } catch (const c10::Error& e) {
    throw FormatError(fmt::format("{}: unreadable checkpoint: {}", path, torch_compat::first_line(e)));
  }
}

void save_checkpoint(const std::string& path, const std::string& fingerprint, const TrainingState& state) {
  torch::serialize::OutputArchive archive, model_archive, best_archive, optimizer_archive;
  state.model->save(model_archive);
  state.best->save(best_archive);
  state.optimizer->save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("best", best_archive);
  archive.write("optimizer", optimizer_archive);
  const nlohmann::json saved = {
      {"fingerprint", fingerprint},
      {"epochs_done", state.epochs_done},
      {"bad_epochs", state.bad_epochs},
      {"best_val", std::isfinite(state.best_val) ? nlohmann::json(state.best_val) : nlohmann::json()},
      {"history", state.history}};
  archive.write("state", c10::IValue(saved.dump()));
  write_text_atomically(path, torch_compat::archive_bytes(archive));
}

void write_metrics(const std::string& path, const nlohmann::json& history) {
  std::string text;
  for (const auto& line : history) text += line.dump() + "\n";
  write_text_atomically(path, text);
}

}  // namespace stx
