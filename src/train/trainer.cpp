// The training loop. Determinism across an interruption: every random choice is derived from
// (seed, epoch) or (seed, global step) rather than from a running generator, so a run resumed
// from a checkpoint replays exactly what the uninterrupted run would have done.
#include "stx/train/trainer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <mutex>
#include <random>
#include <thread>

#include <ATen/CPUGeneratorImpl.h>

#include <nlohmann/json.hpp>

#include "stx/model/dropout.hpp"
#include "linear_path.hpp"
#include "stx/model/loss.hpp"
#include "model_metadata.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/train/train_option_table.hpp"
#include "stx/torch/tensor_values.hpp"
#include "gradient_sync.hpp"
#include "slide_tensors.hpp"
#include "trained_model_impl.hpp"
#include "training_state.hpp"

namespace stx {

namespace fs = std::filesystem;

namespace {

std::mutex process_generator_mutex;  // torch::manual_seed and draws from the default generator

double learning_rate_at(const TrainOptions& o, int64_t step, int64_t total_steps) {
  const int64_t warmup = std::max<int64_t>(1, static_cast<int64_t>(o.warmup_fraction * static_cast<double>(total_steps)));
  if (step < warmup) return o.learning_rate * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double progress = static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, total_steps - warmup));
  return o.learning_rate * 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress)));
}

nlohmann::json run_fingerprint(const ModelMetadata& m, const TrainOptions& o,
                               const std::vector<const SlideData*>& train, const SlideData* validation) {
  std::vector<std::string> slides;
  for (const SlideData* s : train) slides.push_back(s->name() + ":" + std::to_string(s->n_spots()));
  return {{"model", m.model},         {"options", train_options_json(o, /*fingerprint_only=*/true)},
          {"seed", o.seed},           {"slides", slides},     {"validation", validation ? validation->name() : std::string()},
          {"genes", m.genes},         {"pathways", m.pathways}, {"encoder", m.encoder_identity},
          {"score_method", m.score_method}, {"score_max_rank", m.score_max_rank},
          {"score_thin_to", m.score_thin_to}, {"gene_target_scale", m.gene_target_scale}};
}

void copy_weights(QuadFlow& from, QuadFlow& to) {
  torch::NoGradGuard no_grad;
  const auto src = from->named_parameters(), dst = to->named_parameters();
  for (const auto& p : src) dst[p.key()].copy_(p.value());
}

// The training slides as the linear path reads them: the same input tensor the model gets.
std::vector<LinearPathSlide> linear_path_slides(const std::vector<const SlideData*>& train,
                                                const std::vector<SlideTensors>& tensors,
                                                const QuadFlowOptions& o) {
  torch::NoGradGuard no_grad;
  std::vector<LinearPathSlide> out;
  for (size_t i = 0; i < train.size(); ++i)
    out.push_back({to_vector(linear_path_input(tensors[i].features, tensors[i].neighbourhood, o)),
                   to_vector(tensors[i].pathways), train[i]->group});
  return out;
}

void check_training_slides(const std::vector<const SlideData*>& train, const SlideData* validation,
                           const ModelMetadata& m, const TrainOptions& o) {
  STX_CHECK(!train.empty(), ConfigError, "train: no training slides");
  STX_CHECK(o.epochs > 0, ConfigError, "train: --epochs must be positive, found {}", o.epochs);
  STX_CHECK(o.patience == 0 || validation, ConfigError,
            "train: early stopping (--patience) needs a validation slide (--val)");
  const int64_t f_dim = static_cast<int64_t>(m.feature_names.size());
  const int64_t n_genes = static_cast<int64_t>(m.genes.size());
  const int64_t n_pathways = static_cast<int64_t>(m.pathways.size());
  std::vector<const SlideData*> all = train;
  if (validation) all.push_back(validation);
  for (const SlideData* s : all) {
    STX_CHECK(s->has_targets(), ConfigError, "train: slide {} has no expression to train on", s->name());
    STX_CHECK(s->feature_dim == f_dim, ShapeError,
              "train: slide {} has {} features, the others {} (same encoder for all slides?)",
              s->name(), s->feature_dim, f_dim);
    STX_CHECK(static_cast<int64_t>(s->genes.size()) == s->n_spots() * n_genes &&
                  static_cast<int64_t>(s->pathways.size()) == s->n_spots() * n_pathways,
              ShapeError, "train: slide {} targets do not match {} genes and {} pathways", s->name(),
              n_genes, n_pathways);
  }
}

// The training spots' feature and target scales, and the architecture, into the metadata.
void describe_training(const std::vector<const SlideData*>& train, const TrainOptions& o,
                       const ViTTail& pretrained_tail, ModelMetadata& m) {
  const int64_t f_dim = static_cast<int64_t>(m.feature_names.size());
  const int64_t n_genes = static_cast<int64_t>(m.genes.size());
  const int64_t n_pathways = static_cast<int64_t>(m.pathways.size());
  std::vector<const std::vector<float>*> fs_, gs, ps;
  for (const SlideData* s : train) {
    fs_.push_back(&s->features);
    gs.push_back(&s->genes);
    ps.push_back(&s->pathways);
  }
  to_float(column_scale(fs_, f_dim), m.feature_mean, m.feature_sd);
  to_float(column_scale(gs, n_genes), m.gene_mean, m.gene_sd);
  to_float(column_scale(ps, n_pathways), m.pathway_mean, m.pathway_sd);
  m.model = o.model;  // the options are the one source of the architecture (ablations vary it)
  m.model.feature_dim = f_dim;
  m.model.n_genes = n_genes;
  m.model.n_pathways = n_pathways;
  m.training_slides.clear();
  for (const SlideData* s : train) m.training_slides.push_back(s->name());
  if (pretrained_tail) m.encoder_tail = pretrained_tail->shape();
}

// A fresh model and its best copy from the seed, the pretrained tail copied in, the linear
// path fitted on the training slides, and the optimiser.
TrainingState initial_state(const std::vector<const SlideData*>& train, const std::vector<SlideTensors>& slides,
                            const ModelMetadata& m, const TrainOptions& o, const ViTTail& pretrained_tail,
                            const torch::Device& device) {
  TrainingState state;
  {  // initial weights come from the process-wide generator, which members in other threads share
    const std::lock_guard<std::mutex> lock(process_generator_mutex);
    torch::manual_seed(o.seed);
    state.model = make_quadflow(m);
    state.best = make_quadflow(m);
  }
  if (pretrained_tail) {
    torch::NoGradGuard no_grad;
    for (const auto& target : {encoder_tail(state.model), encoder_tail(state.best)}) {
      auto dst = target->named_parameters();
      for (const auto& p : pretrained_tail->named_parameters()) dst[p.key()].copy_(p.value());
    }
  }
  state.model->to(device);
  state.best->to(device);
  if (m.model.linear_path) {
    const int64_t n_pathways = m.model.n_pathways;
    const LinearPath path = fit_linear_path(linear_path_slides(train, slides, m.model),
                                            linear_path_width(m.model), n_pathways,
                                            m.model.linear_path_reduced_rank);
    log()->debug("linear path: ridge penalty {}, rank {}", path.lambda, path.rank == 0 ? "full" : std::to_string(path.rank));
    const auto weight = torch::tensor(path.weight).view({linear_path_width(m.model), n_pathways}).to(device);
    const auto bias = torch::tensor(path.bias).to(device);
    state.model->set_linear_path(weight, bias);
    state.best->set_linear_path(weight, bias);
  }
  copy_weights(state.model, state.best);
  state.optimizer = make_optimizer(state.model, o.learning_rate, o.weight_decay);
  return state;
}

int64_t steps_per_epoch(int64_t slides, const TrainOptions& o) {
  return (slides + o.slides_per_step - 1) / o.slides_per_step;
}

// Steps over the training slides in this epoch's order, `slides_per_step` at a time: the
// step's gradient is the mean of its slides' (each process computes the slides it owns and
// `sync` adds them up). Fills the report's training means.
void train_epoch(TrainingState& state, const std::vector<SlideTensors>& slides, int64_t epoch,
                 const ModelMetadata& m, const TrainOptions& o, const torch::Device& device,
                 at::Generator& dropout_generator, const GradientSync& sync, EpochReport& report) {
  const int64_t n = static_cast<int64_t>(slides.size());
  const int64_t steps = steps_per_epoch(n, o);
  const int64_t total_steps = o.epochs * steps;
  state.model->train();
  std::vector<size_t> order(slides.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::shuffle(order.begin(), order.end(), std::mt19937_64(o.seed * 7919 + static_cast<uint64_t>(epoch)));
  double loss_sum = 0, gene_r = 0, pathway_r = 0;
  for (int64_t k = 0; k < steps; ++k) {
    const int64_t step = epoch * steps + k;
    const uint64_t step_seed = o.seed * 1000003 + static_cast<uint64_t>(step);  // this step's masks and crops
    const double lr = learning_rate_at(o, step, total_steps);
    auto& param_groups = state.optimizer->param_groups();
    for (size_t g = 0; g < param_groups.size(); ++g)
      static_cast<torch::optim::AdamWOptions&>(param_groups[g].options()).lr(g == 0 ? lr : lr * o.finetune_lr_scale);
    state.optimizer->zero_grad();
    const int64_t first = k * o.slides_per_step, count = std::min(o.slides_per_step, n - first);
    torch::Tensor sums = torch::zeros({3}, torch::kFloat64);  // loss, gene r, pathway r over the slides
    for (int64_t slot = 0; slot < count; ++slot) {
      if (!sync.owns(slot)) continue;
      // slot 0 keeps the seed a one-slide step had, so one slide per step trains as it always did
      const uint64_t seed = step_seed + static_cast<uint64_t>(slot) * 0x9E3779B97F4A7C15ULL;
      if (device.is_cpu()) dropout_generator.set_current_seed(seed);
      else torch::manual_seed(seed);
      const SlideTensors& s = slides[order[static_cast<size_t>(first + slot)]];
      const bool crop = o.crop_spots > 0 && o.crop_spots < s.features.size(0);
      const Crop c = crop ? random_crop(s, o.crop_spots, seed, m.model, device) : whole(s);
      const auto out = state.model->forward(model_input(state.model, c.features, c.tokens, m), c.neighbourhood);
      const LossTerms loss = quadflow_loss(out, c.genes, c.pathways, c.neighbourhood.edges, o.loss);
      (count == 1 ? loss.total : loss.total / static_cast<double>(count)).backward();
      sums += torch::tensor({loss.total.item<double>(), loss.gene_r, loss.pathway_r}, torch::kFloat64);
    }
    sync.sum(sums);  // every process sees the same sums, so all of them stop together
    const double value = sums[0].item<double>();
    STX_CHECK(std::isfinite(value), ConfigError,
              "train: the loss became {} in epoch {}: lower --lr (now {:g}) or check the inputs; nothing of "
              "this epoch was saved", value, epoch + 1, o.learning_rate);
    sync.sum_gradients(state.model->parameters());
    torch::nn::utils::clip_grad_norm_(state.model->parameters(), o.clip_norm);
    state.optimizer->step();
    loss_sum += value;
    gene_r += sums[1].item<double>();
    pathway_r += sums[2].item<double>();
  }
  report.train_loss = loss_sum / static_cast<double>(n);
  report.gene_r = gene_r / static_cast<double>(n);
  report.pathway_r = pathway_r / static_cast<double>(n);
}

// The validation loss; a better one than before becomes the best model.
void validate_epoch(TrainingState& state, const SlideTensors& val, const ModelMetadata& m,
                    const TrainOptions& o, EpochReport& report) {
  torch::NoGradGuard no_grad;
  state.model->eval();
  const auto out = state.model->forward(model_input(state.model, val.features, val.tokens, m), val.neighbourhood);
  report.val_loss = quadflow_loss(out, val.genes, val.pathways, val.neighbourhood.edges, o.loss).total.item<double>();
  if (report.val_loss < state.best_val) {
    state.best_val = report.val_loss;
    state.bad_epochs = 0;
    copy_weights(state.model, state.best);
  } else {
    ++state.bad_epochs;
  }
}

nlohmann::json history_line(const EpochReport& report, bool validated, double lr) {
  return {{"epoch", report.epoch}, {"train_loss", report.train_loss},
          {"gene_r", report.gene_r}, {"pathway_r", report.pathway_r},
          {"val_loss", validated ? nlohmann::json(report.val_loss) : nlohmann::json()},
          {"lr", lr}};
}

// One model. `pretrained_tail`: the ViT blocks to fine-tune, as loaded (null: frozen encoder).
TrainedModel train_one(const std::vector<const SlideData*>& train, const SlideData* validation,
                       ModelMetadata m, const TrainOptions& o, const ViTTail& pretrained_tail,
                       const GradientSync& sync, const EpochCallback& on_epoch) {
  check_training_slides(train, validation, m, o);
  torch_compat::set_threads(o.threads);
  const torch::Device device = torch_compat::resolve_device(o.device);
  describe_training(train, o, pretrained_tail, m);
  std::vector<SlideTensors> slides;
  for (const SlideData* s : train) slides.push_back(slide_tensors(*s, m, device));
  const SlideTensors val = validation ? slide_tensors(*validation, m, device) : SlideTensors{};
  TrainingState state = initial_state(train, slides, m, o, pretrained_tail, device);
  // dropout masks come from this run's own generator (the default one on a GPU: one run at a time)
  at::Generator dropout_generator = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  const DropoutGeneratorScope dropout_scope(dropout_generator);

  const std::string fingerprint = run_fingerprint(m, o, train, validation).dump();
  const fs::path run_dir(o.run_dir);
  const std::string checkpoint = o.run_dir.empty() ? "" : (run_dir / "checkpoint.pt").string();
  if (o.resume && !checkpoint.empty() && fs::exists(checkpoint)) {
    restore_checkpoint(checkpoint, fingerprint, state);
    log()->info("resuming from {} after epoch {}", checkpoint, state.epochs_done);
  }
  const int64_t first_epoch = state.epochs_done;
  const int64_t steps = steps_per_epoch(static_cast<int64_t>(slides.size()), o);
  const bool writes = !o.run_dir.empty() && o.parallel.rank == 0;  // the other processes only read
  if (writes) {
    // a run killed mid-write (Ctrl-C, SIGKILL) left its temporary checkpoint behind
    if (const int removed = remove_dead_temporaries(o.run_dir); removed > 0)
      log()->info("{}: removed {} temporary file(s) of a run that was killed", o.run_dir, removed);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int64_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    EpochReport report;
    report.epoch = epoch + 1;
    report.epochs = o.epochs;
    report.val_loss = std::numeric_limits<double>::quiet_NaN();
    train_epoch(state, slides, epoch, m, o, device, dropout_generator, sync, report);
    if (validation) validate_epoch(state, val, m, o, report);
    state.history.push_back(history_line(report, validation != nullptr,
                                         learning_rate_at(o, (epoch + 1) * steps - 1, o.epochs * steps)));
    state.epochs_done = epoch + 1;
    const bool stop = o.patience > 0 && state.bad_epochs >= o.patience;
    if (writes) {
      write_metrics((run_dir / "metrics.jsonl").string(), state.history);
      if ((epoch + 1) % o.checkpoint_every == 0 || epoch + 1 == o.epochs || stop)
        save_checkpoint(checkpoint, fingerprint, state);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report.eta_seconds = report.seconds / static_cast<double>(epoch + 1 - first_epoch) *
                         static_cast<double>(o.epochs - epoch - 1);
    log()->debug("epoch {}/{}: loss {:.4f}, gene r {:.3f}, pathway r {:.3f}", report.epoch,
                 report.epochs, report.train_loss, report.gene_r, report.pathway_r);
    if (on_epoch) on_epoch(report);
    if (stop) {
      log()->info("early stopping after epoch {}: no better validation loss for {} epochs",
                  epoch + 1, o.patience);
      break;
    }
  }
  if (validation) copy_weights(state.best, state.model);
  state.model->to(torch::kCPU);
  state.model->eval();
  return TrainedModel(m, std::make_shared<QuadFlow>(state.model));
}

}  // namespace

bool linear_path_by_default(int64_t ensemble) { return ensemble == 1; }

void check_train_options(const TrainOptions& o) {
  for (const auto& option : numeric_train_options()) {
    const double v = train_option_value(option, o);
    STX_CHECK(std::isfinite(v) && v >= option.min && v <= option.max, ConfigError, "{}: expected {} to {}, found {}",
              option.flag.empty() ? option.key : option.flag, option.min, option.max, v);
  }
  STX_CHECK(o.threads >= 0 && o.threads <= 1024, ConfigError, "--threads: expected 0 (all cores) to 1024, found {}",
            o.threads);
  STX_CHECK(o.model.width % o.model.heads == 0, ConfigError, "--heads {} must divide --width {}", o.model.heads,
            o.model.width);
  STX_CHECK(o.parallel.world >= 1 && o.parallel.world <= 64 && o.parallel.world <= o.slides_per_step, ConfigError,
            "--nproc {}: expected 1 to 64 processes and at most --slides-per-step ({}), so that each has a slide",
            o.parallel.world, o.slides_per_step);
}

TrainedModel train_quadflow(const std::vector<SlideData>& train, const SlideData* validation,
                            ModelMetadata m, const TrainOptions& o, const EpochCallback& on_epoch) {
  std::vector<const SlideData*> pointers;
  for (const auto& s : train) pointers.push_back(&s);
  return train_quadflow(pointers, validation, std::move(m), o, on_epoch);
}

TrainedModel train_quadflow(const std::vector<const SlideData*>& train, const SlideData* validation,
                            ModelMetadata m, const TrainOptions& o, const EpochCallback& on_epoch) {
  check_train_options(o);
  // loaded once; each member copies it into its own model
  const ViTTail pretrained_tail = o.finetune_blocks > 0 ? load_vit_tail(m.encoder_weights, o.finetune_blocks)
                                                        : ViTTail(nullptr);
  // On the CPU the members train side by side, each on its share of the threads: small
  // models use 2 threads poorly (1.2x over 1), so two members at once finish sooner. Each
  // member's result depends only on its seed, not on the others or on scheduling.
  // data-parallel processes share the cores: --threads (or all cores) is the total
  const int threads = std::max(1, torch_compat::thread_count(o.threads) / o.parallel.world);
  const bool on_cpu = torch_compat::resolve_device(o.device).is_cpu();
  // data-parallel processes train the members one after the other, in step with each other
  const int64_t workers = on_cpu && o.parallel.world == 1 ? std::min<int64_t>(o.ensemble, threads) : 1;
  const GradientSync sync(o.parallel);
  std::mutex report_mutex;
  std::vector<TrainedModel> members(static_cast<size_t>(o.ensemble));
  const auto train_member = [&](int64_t k) {
    TrainOptions member = o;
    member.seed = o.seed + static_cast<uint64_t>(k - 1);
    member.threads = static_cast<int>(std::max<int64_t>(1, threads / workers));
    if (k > 1 && !o.run_dir.empty()) {
      member.run_dir = (fs::path(o.run_dir) / ("member_" + std::to_string(k))).string();
      std::error_code error;
      fs::create_directories(member.run_dir, error);
      STX_CHECK(!error, IoError, "{}: cannot create the folder ({})", member.run_dir, error.message());
    }
    if (o.ensemble > 1) log()->debug("ensemble member {}/{} (seed {})", k, o.ensemble, member.seed);
    members[static_cast<size_t>(k - 1)] = train_one(train, validation, m, member, pretrained_tail, sync, [&](EpochReport r) {
      r.member = k;
      r.members = o.ensemble;
      const std::lock_guard<std::mutex> lock(report_mutex);
      if (on_epoch) on_epoch(r);
    });
  };
  if (workers == 1) {
    for (int64_t k = 1; k <= o.ensemble; ++k) train_member(k);
  } else {
    std::atomic<int64_t> next{1};
    std::vector<std::exception_ptr> errors(static_cast<size_t>(workers));
    std::vector<std::thread> pool;
    for (int64_t w = 0; w < workers; ++w)
      pool.emplace_back([&, w] {
        try {
          for (int64_t k = next++; k <= o.ensemble; k = next++) train_member(k);
        } catch (...) {
          errors[static_cast<size_t>(w)] = std::current_exception();
          next = o.ensemble + 1;  // the others stop after their current member
        }
      });
    for (auto& t : pool) t.join();
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  return members.size() == 1 ? members.front() : TrainedModel::average(members);
}

}  // namespace stx
