#include "training_args.hpp"

#include <algorithm>

#include "shared_options.hpp"
#include "stx/train/slide_data.hpp"
#include "stx/train/train_option_table.hpp"

namespace stx::cli {
namespace {

// Which slides and patients, how targets are made, the encoder.
void add_data_options(CLI::App* cmd, TrainingInputs& a) {
  cmd->add_option("inputs", a.inputs,
                  "Slides with H&E and expression (Space Ranger folders, .h5ad, legacy ST "
                  "counts), or one legacy ST dataset folder with --sections")
      ->required();
  add_sections_option(cmd, a.sections);
  cmd->add_option("--group", a.groups,
                  "SLIDE=GROUP: the slide's patient (cross-validation group); default: a legacy ST "
                  "section's letters (HER2ST B4 -> B), else one group per slide")
      ->delimiter(',');
  cmd->add_option("--group-table", a.group_table,
                  "TSV with 'slide' and 'patient' (or 'group') columns: each slide's patient")
      ->check(CLI::ExistingFile);
  add_format_option(cmd, a.format);
  add_um_per_px_option(cmd, a.um_per_px, "the data");
  add_method_option(cmd, a.method, "Pathway scoring for the targets");
  add_score_depth_options(cmd, a.data.scoring);
  add_genesets_option(cmd, a.data.gene_sets);
  cmd->add_option("--n-genes", a.data.targets.count, "Highly variable target genes")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--genes", a.genes_file, "File of target gene symbols, one per line");
  cmd->add_option_function<std::string>(
         "--target-norm", [&a](const std::string& v) { a.data.targets.scale = parse_gene_target_scale(v); },
         "Gene targets: log1p-cp10k (of the spot's total count), or log10-cp10k-over-genes (of "
         "its count over the target genes: the HER2ST protocol of Hist2ST and others, with "
         "--genes their 785), or pearson-residuals (analytic Pearson residuals of the slide's counts: "
         "expression beyond what the spot's depth predicts) [log1p-cp10k]")
      ->check(CLI::IsMember(gene_target_scales().names()));
  add_encoder_option(cmd, a.data.encoder.name, "builtin, torchscript, vit or swin");
  add_weights_option(cmd, a.data.encoder.weights, "Encoder weights (torchscript, vit, swin)");
  add_bf16_flag(cmd, a.data.encoder.bf16, "vit, swin: run the encoder in bfloat16");
  add_stain_reference_option(cmd, a.data.encoder.stain_reference,
                             "Macenko-normalise patches to the stains of this H&E image (stx predict does the same)");
  add_patch_options(cmd, a.data.encoder.patch);
  add_cache_dir_option(cmd, a.data.cache_dir);
}

// QuadFlow's architecture.
void add_model_options(CLI::App* cmd, TrainingInputs& a) {
  auto& m = a.train.model;
  cmd->add_flag("--full-attention", m.full_attention, "H<->H over all spots (small slides only)");
  cmd->add_option_function<std::vector<std::string>>(
         "--flows",
         [&m](const std::vector<std::string>& flows) {
           const auto on = [&](const char* name) { return std::find(flows.begin(), flows.end(), name) != flows.end(); };
           m.spatial_attention = on("HH");
           m.pathway_attention = on("PP");
           m.cross_attention = on("PH");
           m.pathway_readout = on("HP");
         },
         "The attention flows that are on, of HH (spot neighbourhoods), PP, PH and HP (the "
         "readout) [HH,PP,PH,HP]")
      ->delimiter(',')
      ->check(CLI::IsMember({"HH", "PP", "PH", "HP"}));
  CLI::Option* linear_path = cmd->add_option("--linear-path", a.linear_path,
                  "The closed-form linear path from features to pathway activities: on, off, or "
                  "auto (on for a single model, off for an ensemble)")
      ->check(CLI::IsMember({"auto", "on", "off"}))->capture_default_str();
  cmd->add_flag_callback("--no-linear-path", [&a] { a.linear_path = "off"; }, "The same as --linear-path off")
      ->excludes(linear_path);
  cmd->add_flag("!--no-linear-path-neighbours", m.linear_path_neighbours,
                "The linear path reads each spot's own features only, not also its neighbours' mean");
  cmd->add_flag("!--full-rank-linear-path", m.linear_path_reduced_rank,
                "Fit the linear path at full rank instead of choosing a reduced rank by cross-validation");
  cmd->add_option_function<std::string>(
         "--feature-norm", [&m](const std::string& v) { m.slide_feature_norm = v == "slide"; },
         "Standardise features over each slide's own spots (slide) or over the training spots "
         "(training) [training]")
      ->check(CLI::IsMember({"slide", "training"}));
  cmd->add_flag("!--no-overlap-bias", m.overlap_bias,
                "P<->P attention without the gene-set overlap bias");
}

// The optimiser, the schedule and where it runs.
void add_optimiser_options(CLI::App* cmd, TrainingInputs& a) {
  auto& t = a.train;
  add_seed_option(cmd, t.seed, "weights, crops, dropout");
  add_threads_option(cmd, t.threads);
  add_device_option(cmd, t.device, "");
}

}  // namespace

void add_numeric_train_options(CLI::App* cmd, TrainOptions& options, TrainOptionScope scope) {
  for (const auto& option : numeric_train_options()) {
    if (option.flag.empty() || option.scope != scope) continue;
    std::visit(
        [&](auto* field) {
          CLI::Option* added = cmd->add_option(option.flag, *field, option.help)->capture_default_str();
          if (option.integer)
            added->check(CLI::Range(static_cast<int64_t>(option.min), static_cast<int64_t>(option.max)));
          else
            added->check(finite_range(option.min, option.max));
        },
        option.field(options));
  }
}

void add_training_options(CLI::App* cmd, TrainingInputs& inputs) {
  add_data_options(cmd, inputs);
  add_model_options(cmd, inputs);
  add_optimiser_options(cmd, inputs);
  add_numeric_train_options(cmd, inputs.train, TrainOptionScope::kTraining);
}

}  // namespace stx::cli
