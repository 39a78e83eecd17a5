#include "stx/train/dataset.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "stx/core/error.hpp"
#include "stx/core/log.hpp"
#include "stx/histology/encoders/feature_cache.hpp"

namespace stx {

std::string encoder_identity(const Encoder& encoder) {
  const std::string pre = encoder.preprocessing();
  return pre.empty() ? encoder.identity() : encoder.identity() + " + " + pre;
}

namespace {
// (N, |from|) values as (N, |to|) columns by name, NaN where `to` has a name `from` lacks.
std::vector<float> widen_to(const std::vector<float>& values, const std::vector<std::string>& from,
                            const std::vector<std::string>& to) {
  const size_t n = from.empty() ? 0 : values.size() / from.size();
  std::vector<float> out(n * to.size(), std::numeric_limits<float>::quiet_NaN());
  for (size_t j = 0, k = 0; j < to.size() && k < from.size(); ++j) {
    if (to[j] != from[k]) continue;  // `from` is `to` with some names left out, in order
    for (size_t r = 0; r < n; ++r) out[r * to.size() + j] = values[r * from.size() + k];
    ++k;
  }
  return out;
}
}  // namespace

ScoreOptions target_scoring(const ModelMetadata& model) {
  ScoreOptions scoring;
  scoring.method = parse_score_method(model.score_method);
  scoring.max_rank = model.score_max_rank;
  scoring.thin_to = model.score_thin_to;
  return scoring;
}

SlideData slide_data_for_model(const Slide& slide, const EncodedFeatures& features,
                               const ModelMetadata& model, std::string* why_no_truth) {
  std::string why;
  if (slide.counts.n_rows == 0 || slide.n_genes() == 0) why = "the slide has no measured expression";
  // On the log1p-CP10k scale a gene's value does not depend on which others are measured, so
  // the truth can leave out the genes this slide lacks (NaN); on the HER2ST scale it cannot.
  const GeneTargetScale scale = parse_gene_target_scale(model.gene_target_scale);
  std::vector<std::string> measured_genes;
  if (why.empty()) {
    const std::set<std::string> measured(slide.gene_symbols.begin(), slide.gene_symbols.end());
    for (const auto& g : model.genes)
      if (measured.count(g)) measured_genes.push_back(g);
    const size_t missing = model.genes.size() - measured_genes.size();
    if (missing == model.genes.size() || (missing > 0 && scale != GeneTargetScale::kLog1pCp10k))
      why = fmt::format("{} of the model's target genes are not measured", missing);
    else if (missing > 0)
      log()->warn("{}: {} of the model's {} target genes are not measured; their truth is left out", slide.name,
                  missing, model.genes.size());
  }
  if (why.empty()) {
    const GeneSetMatch match = match_gene_sets(load_gene_sets(model.gene_sets), slide.gene_symbols);
    const PathwayScores scores = score_pathways(slide.counts, match, target_scoring(model));
    if (scores.pathways == model.pathways) {
      if (why_no_truth) why_no_truth->clear();
      SlideData data = make_slide_data(slide, features, &scores, measured_genes, nullptr, scale);
      if (measured_genes.size() < model.genes.size()) data.genes = widen_to(data.genes, measured_genes, model.genes);
      return data;
    }
    why = fmt::format("{} of the model's {} gene sets can be scored on this slide",
                      scores.pathways.size(), model.pathways.size());
  }
  if (why_no_truth) *why_no_truth = why;
  return make_slide_data(slide, features, nullptr, {});
}

std::unique_ptr<NativeViT> finetuning_vit(const EncoderOptions& encoder, int64_t blocks) {
  STX_CHECK(encoder.name == "vit", ConfigError, "--finetune-blocks needs --encoder vit (found --encoder {})",
            encoder.name);
  STX_CHECK(!encoder.bf16, ConfigError, "fine-tuning the ViT needs float32: leave out --bf16");
  auto vit = std::make_unique<NativeViT>(encoder.weights, encoder.threads);
  vit->use_device(encoder.device);
  STX_CHECK(blocks <= vit->shape().depth, ConfigError, "{}: cannot fine-tune {} blocks of a ViT with {}",
            encoder.weights, blocks, vit->shape().depth);
  return vit;
}

void add_finetuning_tokens(SlideData& data, const Slide& slide, const NativeViT& vit,
                           const EncoderOptions& encoder, int64_t blocks) {
  attach_tokens(data, slide, encode_vit_tokens(slide, vit, encoder, blocks), vit.token_count(),
                vit.shape().width);
  log()->info("{}: {} tokens of {} per spot for fine-tuning the last {} block(s)", slide.name,
              vit.token_count(), vit.shape().width, blocks);
}

namespace {

// Every training slide, with its image; the readers' notes and warnings logged.
std::vector<Slide> read_training_slides(const std::vector<ReadOptions>& inputs) {
  std::vector<Slide> slides;
  for (const auto& input : inputs) {
    ReadOptions read = input;
    read.require_image = true;
    slides.push_back(read_slide(read));
    for (const auto& note : slides.back().notes) log()->info("{}: {}", slides.back().name, note);
    for (const auto& warning : slides.back().warnings) log()->warn("{}: {}", slides.back().name, warning);
  }
  return slides;
}

}  // namespace

Dataset prepare_dataset(const std::vector<ReadOptions>& inputs, const DatasetOptions& options) {
  STX_CHECK(!inputs.empty(), ConfigError, "no input slides");
  const auto encoder = make_encoder(options.encoder);
  // before the slides are read, so that a wrong block count fails at once
  const auto vit = options.finetune_blocks > 0 ? finetuning_vit(options.encoder, options.finetune_blocks) : nullptr;
  const auto sets = load_gene_sets(options.gene_sets);
  const std::vector<Slide> slides = read_training_slides(inputs);
  std::vector<const Slide*> pointers;
  for (const auto& s : slides) pointers.push_back(&s);
  const auto genes = select_target_genes(pointers, options.targets);

  Dataset data;
  std::vector<std::string> pathway_names;
  for (const auto& slide : slides) {
    const GeneSetMatch match = match_gene_sets(sets, slide.gene_symbols);
    const PathwayScores scores = score_pathways(slide.counts, match, options.scoring);
    if (pathway_names.empty()) pathway_names = scores.pathways;
    STX_CHECK(scores.pathways == pathway_names, ConfigError,
              "{}: gene sets kept differ from the other slides' ({} vs {} sets): lower "
              "--min-genes or use slides measuring the same genes", slide.source_path,
              scores.pathways.size(), pathway_names.size());
    const CacheResult cached =
        encode_with_cache(slide, *encoder, options.encoder.patch, options.cache_dir, false);
    log()->info("{}: {} spots, features {} ({})", slide.name, slide.n_spots(),
                cached.reused ? "from the cache" : "computed", cached.path);
    int64_t dropped = 0;
    data.slides.push_back(make_slide_data(slide, cached.features, &scores, genes, &dropped, options.targets.scale));
    if (vit) add_finetuning_tokens(data.slides.back(), slide, *vit, options.encoder, options.finetune_blocks);
    if (dropped > 0) log()->warn("{}: {} spot(s) without counts left out of training", slide.name, dropped);
  }
  ModelMetadata& m = data.metadata;
  m.encoder_identity = encoder_identity(*encoder);
  m.encoder_name = options.encoder.name;
  m.gene_target_scale = to_string(options.targets.scale);
  m.encoder_weights = options.encoder.weights;
  m.encoder_bf16 = options.encoder.bf16;
  m.stain_reference = options.encoder.stain_reference;
  m.patch_size_um = options.encoder.patch.size_um;
  m.patch_size_px = options.encoder.patch.size_px;
  m.score_method = to_string(options.scoring.method);
  m.score_max_rank = options.scoring.max_rank;
  m.score_thin_to = options.scoring.thin_to;
  m.gene_sets = options.gene_sets;
  m.pathways = pathway_names;
  m.genes = genes;
  m.feature_names = encoder->feature_names();
  const auto [finest, coarsest] = std::minmax_element(slides.begin(), slides.end(), [](const Slide& a, const Slide& b) {
    return a.um_per_px < b.um_per_px;
  });
  m.training_um_per_px = {finest->um_per_px, coarsest->um_per_px};
  m.membership = gene_set_membership(sets, pathway_names, genes);
  m.pathway_overlap = gene_set_overlap(sets, pathway_names);
  return data;
}

}  // namespace stx
