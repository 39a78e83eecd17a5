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

#include "dropout.hpp"
#include "linear_path.hpp"
#include "loss.hpp"
#include "model_metadata.hpp"
#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/io/atomic_file.hpp"
#include "tensor_values.hpp"
#include "trained_model_impl.hpp"

namespace stx {

namespace fs = std::filesystem;

namespace {

std::mutex process_generator_mutex;  // torch::manual_seed and draws from the default generator

struct SlideTensors {
  torch::Tensor features, genes, pathways;  // (N, F), (N, G), (N, P) standardised
  torch::Tensor tokens;                     // (N, T, D) when fine-tuning the encoder's tail
  std::vector<double> x_um, y_um;
  Neighbourhood neighbourhood;              // whole slide
};

Neighbourhood to_device(const Neighbourhood& nb, const torch::Device& device) {
  return {nb.index.to(device), nb.valid.to(device), nb.offset_um.to(device), nb.edges.to(device)};
}


double learning_rate_at(const TrainOptions& o, int64_t step, int64_t total_steps) {
  const int64_t warmup = std::max<int64_t>(1, static_cast<int64_t>(o.warmup_fraction * static_cast<double>(total_steps)));
  if (step < warmup) return o.learning_rate * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double progress = static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, total_steps - warmup));
  return o.learning_rate * 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress)));
}

nlohmann::json run_fingerprint(const ModelMetadata& m, const TrainOptions& o,
                               const std::vector<const SlideData*>& train, const SlideData* validation) {
  std::vector<std::string> slides;
  for (const SlideData* s : train) slides.push_back(s->name + ":" + std::to_string(s->n_spots()));
  return {{"model", m.model},         {"loss", o.loss},       {"epochs", o.epochs},
          {"learning_rate", o.learning_rate}, {"weight_decay", o.weight_decay},
          {"warmup_fraction", o.warmup_fraction}, {"clip_norm", o.clip_norm},
          {"crop_spots", o.crop_spots}, {"patience", o.patience}, {"seed", o.seed},
          {"slides", slides},         {"validation", validation ? validation->name : ""},
          {"genes", m.genes},         {"pathways", m.pathways}, {"encoder", m.encoder_identity},
          {"finetune_blocks", o.finetune_blocks}, {"finetune_lr_scale", o.finetune_lr_scale}};
}

void copy_weights(QuadFlow& from, QuadFlow& to) {
  torch::NoGradGuard no_grad;
  const auto src = from->named_parameters(), dst = to->named_parameters();
  for (const auto& p : src) dst[p.key()].copy_(p.value());
}

// (spots, features, genes, pathways, neighbourhood) of the `count` spots nearest a centre.
struct Crop {
  torch::Tensor features, genes, pathways, tokens;
  Neighbourhood neighbourhood;
};

Crop random_crop(const SlideTensors& s, int64_t count, uint64_t seed, const QuadFlowOptions& mo,
                 const torch::Device& device) {
  const int64_t n = static_cast<int64_t>(s.x_um.size());
  std::mt19937_64 rng(seed);
  const int64_t centre = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const auto d2 = [&](int64_t j) {
    return std::pow(s.x_um[j] - s.x_um[centre], 2) + std::pow(s.y_um[j] - s.y_um[centre], 2);
  };
  std::nth_element(order.begin(), order.begin() + count - 1, order.end(),
                   [&](int64_t a, int64_t b) { return d2(a) != d2(b) ? d2(a) < d2(b) : a < b; });
  order.resize(static_cast<size_t>(count));
  std::sort(order.begin(), order.end());
  std::vector<double> x, y;
  for (int64_t j : order) {
    x.push_back(s.x_um[j]);
    y.push_back(s.y_um[j]);
  }
  const auto rows = torch::tensor(order, torch::kInt64).to(device);
  return {s.features.index_select(0, rows), s.genes.index_select(0, rows),
          s.pathways.index_select(0, rows), s.tokens.defined() ? s.tokens.index_select(0, rows) : torch::Tensor(),
          to_device(build_neighbourhood(x, y, mo.neighbours, mo.radius_pitches), device)};
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

// One model. `pretrained_tail`: the ViT blocks to fine-tune, as loaded (null: frozen encoder).
TrainedModel train_one(const std::vector<const SlideData*>& train, const SlideData* validation,
                       ModelMetadata m, const TrainOptions& o, const ViTTail& pretrained_tail,
                       const EpochCallback& on_epoch) {
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
    STX_CHECK(s->has_targets(), ConfigError, "train: slide {} has no expression to train on", s->name);
    STX_CHECK(s->feature_dim == f_dim, ShapeError,
              "train: slide {} has {} features, the others {} (same encoder for all slides?)",
              s->name, s->feature_dim, f_dim);
    STX_CHECK(static_cast<int64_t>(s->genes.size()) == s->n_spots() * n_genes &&
                  static_cast<int64_t>(s->pathways.size()) == s->n_spots() * n_pathways,
              ShapeError, "train: slide {} targets do not match {} genes and {} pathways", s->name,
              n_genes, n_pathways);
  }

  torch_compat::set_threads(o.threads);
  const torch::Device device = torch_compat::resolve_device(o.device);
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
  for (const SlideData* s : train) m.training_slides.push_back(s->name);
  if (pretrained_tail) m.encoder_tail = pretrained_tail->shape();

  const auto tensors_of = [&](const SlideData& s) {
    SlideTensors t;
    t.features = input_features(s, m).to(device);
    t.genes = standardised(s.genes, s.n_spots(), m.gene_mean, m.gene_sd).to(device);
    t.pathways = standardised(s.pathways, s.n_spots(), m.pathway_mean, m.pathway_sd).to(device);
    t.x_um = s.x_um;
    t.y_um = s.y_um;
    t.neighbourhood = to_device(slide_neighbourhood(s, m.model), device);
    const auto tokens = slide_tokens(s, m.encoder_tail);
    if (tokens.defined()) t.tokens = tokens.to(device);
    return t;
  };
  std::vector<SlideTensors> slides;
  for (const SlideData* s : train) slides.push_back(tensors_of(*s));
  const SlideTensors val = validation ? tensors_of(*validation) : SlideTensors{};

  QuadFlow model{nullptr}, best{nullptr};
  {  // initial weights come from the process-wide generator, which members in other threads share
    const std::lock_guard<std::mutex> lock(process_generator_mutex);
    torch::manual_seed(o.seed);
    model = make_quadflow(m);
    best = make_quadflow(m);
  }
  // dropout masks come from this run's own generator (the default one on a GPU: one run at a time)
  at::Generator dropout_generator = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  const DropoutGeneratorScope dropout_scope(dropout_generator);
  if (pretrained_tail) {
    torch::NoGradGuard no_grad;
    for (const auto& target : {encoder_tail(model), encoder_tail(best)}) {
      auto dst = target->named_parameters();
      for (const auto& p : pretrained_tail->named_parameters()) dst[p.key()].copy_(p.value());
    }
  }
  model->to(device);
  best->to(device);
  if (m.model.linear_path) {
    const LinearPath path = fit_linear_path(linear_path_slides(train, slides, m.model),
                                            linear_path_width(m.model), n_pathways,
                                            m.model.linear_path_reduced_rank);
    log()->debug("linear path: ridge penalty {}, rank {}", path.lambda, path.rank == 0 ? "full" : std::to_string(path.rank));
    const auto weight = torch::tensor(path.weight).view({linear_path_width(m.model), n_pathways}).to(device);
    const auto bias = torch::tensor(path.bias).to(device);
    model->set_linear_path(weight, bias);
    best->set_linear_path(weight, bias);
  }
  copy_weights(model, best);
  // Two parameter groups: QuadFlow's, and the encoder tail's (when fine-tuning) at a lower rate.
  std::vector<torch::Tensor> tail_parameters, quadflow_parameters;
  if (const ViTTail tail = encoder_tail(model)) tail_parameters = tail->parameters();
  for (const auto& p : model->parameters()) {
    const bool in_tail = std::any_of(tail_parameters.begin(), tail_parameters.end(),
                                     [&](const torch::Tensor& t) { return t.is_same(p); });
    if (!in_tail) quadflow_parameters.push_back(p);
  }
  std::vector<torch::optim::OptimizerParamGroup> groups = {torch::optim::OptimizerParamGroup(quadflow_parameters)};
  if (!tail_parameters.empty()) groups.emplace_back(tail_parameters);
  torch::optim::AdamW optimizer(groups, torch::optim::AdamWOptions(o.learning_rate).weight_decay(o.weight_decay));

  const std::string fingerprint = run_fingerprint(m, o, train, validation).dump();
  const fs::path checkpoint = o.run_dir.empty() ? fs::path() : fs::path(o.run_dir) / "checkpoint.pt";
  const fs::path metrics = o.run_dir.empty() ? fs::path() : fs::path(o.run_dir) / "metrics.jsonl";
  int64_t first_epoch = 0, bad_epochs = 0;
  double best_val = std::numeric_limits<double>::infinity();
  nlohmann::json history = nlohmann::json::array();

  if (o.resume && !checkpoint.empty() && fs::exists(checkpoint)) {
    torch::serialize::InputArchive archive, model_archive, best_archive, optimizer_archive;
    c10::IValue state_text;
    try {
      archive.load_from(checkpoint.string());
      archive.read("state", state_text);
      const auto state = nlohmann::json::parse(state_text.toStringRef());
      STX_CHECK(state.at("fingerprint").get<std::string>() == fingerprint, ConfigError,
                "{}: the checkpoint is from a different configuration or data; use a new --out "
                "or leave out --resume", checkpoint.string());
      archive.read("model", model_archive);
      archive.read("best", best_archive);
      archive.read("optimizer", optimizer_archive);
      model->load(model_archive);
      best->load(best_archive);
      optimizer.load(optimizer_archive);
      first_epoch = state.at("epochs_done");
      bad_epochs = state.at("bad_epochs");
      best_val = state.at("best_val").is_null() ? std::numeric_limits<double>::infinity()
                                                 : state.at("best_val").get<double>();
      history = state.at("history");
    } catch (const c10::Error& e) {
      throw FormatError(fmt::format("{}: unreadable checkpoint: {}", checkpoint.string(),
                                    torch_compat::first_line(e)));
    }
    log()->info("resuming from {} after epoch {}", checkpoint.string(), first_epoch);
  }

  const auto save_checkpoint = [&](int64_t epochs_done) {
    torch::serialize::OutputArchive archive, model_archive, best_archive, optimizer_archive;
    model->save(model_archive);
    best->save(best_archive);
    optimizer.save(optimizer_archive);
    archive.write("model", model_archive);
    archive.write("best", best_archive);
    archive.write("optimizer", optimizer_archive);
    const nlohmann::json state = {{"fingerprint", fingerprint}, {"epochs_done", epochs_done},
                                  {"bad_epochs", bad_epochs},
                                  {"best_val", std::isfinite(best_val) ? nlohmann::json(best_val) : nlohmann::json()},
                                  {"history", history}};
    archive.write("state", c10::IValue(state.dump()));
    AtomicFile file(checkpoint.string());
    archive.save_to(file.temp_path());
    file.commit();
  };
  const auto write_metrics = [&]() {
    std::string text;
    for (const auto& line : history) text += line.dump() + "\n";
    write_text_atomically(metrics.string(), text);
  };

  const int64_t steps_per_epoch = static_cast<int64_t>(slides.size());
  const int64_t total_steps = o.epochs * steps_per_epoch;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    model->train();
    std::vector<size_t> order(slides.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64(o.seed * 7919 + static_cast<uint64_t>(epoch)));
    double loss_sum = 0, gene_r = 0, pathway_r = 0;
    for (size_t k = 0; k < order.size(); ++k) {
      const int64_t step = epoch * steps_per_epoch + static_cast<int64_t>(k);
      const uint64_t step_seed = o.seed * 1000003 + static_cast<uint64_t>(step);  // this step's masks and crop
      if (device.is_cpu()) dropout_generator.set_current_seed(step_seed);
      else torch::manual_seed(step_seed);
      const SlideTensors& s = slides[order[k]];
      const bool crop = o.crop_spots > 0 && o.crop_spots < s.features.size(0);
      const Crop c = crop ? random_crop(s, o.crop_spots, step_seed, m.model, device)
                          : Crop{s.features, s.genes, s.pathways, s.tokens, s.neighbourhood};
      const double lr = learning_rate_at(o, step, total_steps);
      auto& param_groups = optimizer.param_groups();
      for (size_t g = 0; g < param_groups.size(); ++g)
        static_cast<torch::optim::AdamWOptions&>(param_groups[g].options()).lr(g == 0 ? lr : lr * o.finetune_lr_scale);
      optimizer.zero_grad();
      const auto out = model->forward(model_input(model, c.features, c.tokens, m), c.neighbourhood);
      const LossTerms loss = quadflow_loss(out, c.genes, c.pathways, c.neighbourhood.edges, o.loss);
      loss.total.backward();
      torch::nn::utils::clip_grad_norm_(model->parameters(), o.clip_norm);
      optimizer.step();
      loss_sum += loss.total.item<double>();
      gene_r += loss.gene_r;
      pathway_r += loss.pathway_r;
    }
    EpochReport report;
    report.epoch = epoch + 1;
    report.epochs = o.epochs;
    report.train_loss = loss_sum / static_cast<double>(steps_per_epoch);
    report.gene_r = gene_r / static_cast<double>(steps_per_epoch);
    report.pathway_r = pathway_r / static_cast<double>(steps_per_epoch);
    report.val_loss = std::numeric_limits<double>::quiet_NaN();
    if (validation) {
      torch::NoGradGuard no_grad;
      model->eval();
      const auto out = model->forward(model_input(model, val.features, val.tokens, m), val.neighbourhood);
      report.val_loss = quadflow_loss(out, val.genes, val.pathways, val.neighbourhood.edges, o.loss)
                            .total.item<double>();
      if (report.val_loss < best_val) {
        best_val = report.val_loss;
        bad_epochs = 0;
        copy_weights(model, best);
      } else {
        ++bad_epochs;
      }
    }
    history.push_back({{"epoch", report.epoch}, {"train_loss", report.train_loss},
                       {"gene_r", report.gene_r}, {"pathway_r", report.pathway_r},
                       {"val_loss", validation ? nlohmann::json(report.val_loss) : nlohmann::json()},
                       {"lr", learning_rate_at(o, (epoch + 1) * steps_per_epoch - 1, total_steps)}});
    const bool stop = o.patience > 0 && bad_epochs >= o.patience;
    if (!o.run_dir.empty()) {
      write_metrics();
      if ((epoch + 1) % o.checkpoint_every == 0 || epoch + 1 == o.epochs || stop)
        save_checkpoint(epoch + 1);
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
  if (validation) copy_weights(best, model);
  model->to(torch::kCPU);
  model->eval();
  return TrainedModel(m, std::make_shared<QuadFlow>(model));
}

}  // namespace

bool linear_path_by_default(int64_t ensemble) { return ensemble == 1; }

TrainedModel train_quadflow(const std::vector<SlideData>& train, const SlideData* validation,
                            ModelMetadata m, const TrainOptions& o, const EpochCallback& on_epoch) {
  std::vector<const SlideData*> pointers;
  for (const auto& s : train) pointers.push_back(&s);
  return train_quadflow(pointers, validation, std::move(m), o, on_epoch);
}

TrainedModel train_quadflow(const std::vector<const SlideData*>& train, const SlideData* validation,
                            ModelMetadata m, const TrainOptions& o, const EpochCallback& on_epoch) {
  STX_CHECK(o.ensemble >= 1, ConfigError, "train: --ensemble must be at least 1, found {}", o.ensemble);
  // loaded once; each member copies it into its own model
  const ViTTail pretrained_tail = o.finetune_blocks > 0 ? load_vit_tail(m.encoder_weights, o.finetune_blocks)
                                                        : ViTTail(nullptr);
  // On the CPU the members train side by side, each on its share of the threads: small
  // models use 2 threads poorly (1.2x over 1), so two members at once finish sooner. Each
  // member's result depends only on its seed, not on the others or on scheduling.
  const int threads = torch_compat::thread_count(o.threads);
  const bool on_cpu = torch_compat::resolve_device(o.device).is_cpu();
  const int64_t workers = on_cpu ? std::min<int64_t>(o.ensemble, threads) : 1;
  std::mutex report_mutex;
  std::vector<TrainedModel> members(static_cast<size_t>(o.ensemble));
  const auto train_member = [&](int64_t k) {
    TrainOptions member = o;
    member.seed = o.seed + static_cast<uint64_t>(k - 1);
    member.threads = static_cast<int>(std::max<int64_t>(1, threads / workers));
    if (k > 1 && !o.run_dir.empty()) {
      member.run_dir = (fs::path(o.run_dir) / ("member_" + std::to_string(k))).string();
      fs::create_directories(member.run_dir);
    }
    if (o.ensemble > 1) log()->debug("ensemble member {}/{} (seed {})", k, o.ensemble, member.seed);
    members[static_cast<size_t>(k - 1)] = train_one(train, validation, m, member, pretrained_tail, [&](EpochReport r) {
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
