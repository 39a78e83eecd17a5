#include "training_args.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "stx/core/error.hpp"
#include "stx/io/slide_groups.hpp"
#include "stx/train/fold_plan.hpp"
#include "stx/pathways/scoring.hpp"

namespace stx::cli {

void add_training_options(CLI::App* cmd, TrainingArgs& a) {
  cmd->add_option("inputs", a.inputs,
                  "Slides with H&E and expression (Space Ranger folders, .h5ad, legacy ST "
                  "counts), or one legacy ST dataset folder with --sections")
      ->required();
  cmd->add_option("--sections", a.sections, "Legacy ST dataset folder: sections to use")
      ->delimiter(',');
  cmd->add_option("--group", a.groups,
                  "SLIDE=GROUP: the slide's patient (cross-validation group); default: a legacy ST "
                  "section's letters (HER2ST B4 -> B), else one group per slide")
      ->delimiter(',');
  cmd->add_option("--group-table", a.group_table,
                  "TSV with 'slide' and 'patient' (or 'group') columns: each slide's patient")
      ->check(CLI::ExistingFile);
  cmd->add_option("--format", a.format, "Input format (default: detected)")
      ->check(CLI::IsMember({"auto", "legacy-st", "spaceranger", "h5ad", "10x-h5"}));
  cmd->add_option("--um-per-px", a.um_per_px, "Full-resolution µm per pixel (default: from the data)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--method", a.method, "Pathway scoring for the targets")
      ->check(CLI::IsMember({"zmean", "control", "rank", "ssgsea", "ulm"}))
      ->capture_default_str();
  cmd->add_option("--genesets", a.data.gene_sets, "'hallmarks' (built in) or a GMT file")
      ->capture_default_str();
  cmd->add_option("--n-genes", a.data.targets.count, "Highly variable target genes")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--genes", a.genes_file, "File of target gene symbols, one per line");
  cmd->add_option_function<std::string>(
         "--target-norm", [&a](const std::string& v) { a.data.targets.scale = parse_gene_target_scale(v); },
         "Gene targets: log1p-cp10k (of the spot's total count), or log10-cp10k-over-genes (of "
         "its count over the target genes: the HER2ST protocol of Hist2ST and others, with "
         "--genes their 785) [log1p-cp10k]")
      ->check(CLI::IsMember({"log1p-cp10k", "log10-cp10k-over-genes"}));
  cmd->add_option("--encoder", a.data.encoder.name, "builtin, torchscript, vit or swin")
      ->check(CLI::IsMember({"builtin", "torchscript", "vit", "swin"}))->capture_default_str();
  cmd->add_option("--weights", a.data.encoder.weights, "Encoder weights (torchscript, vit, swin)");
  cmd->add_flag("--bf16", a.data.encoder.bf16, "vit, swin: run the encoder in bfloat16");
  cmd->add_option("--stain-reference", a.data.encoder.stain_reference,
                  "Macenko-normalise patches to the stains of this H&E image (stx predict does the same)");
  cmd->add_option("--cache-dir", a.data.cache_dir, "Feature cache folder")->capture_default_str();
  cmd->add_option("--finetune-blocks", a.train.finetune_blocks,
                  "vit: train the encoder's last K blocks with QuadFlow (0: frozen encoder)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--finetune-lr-scale", a.train.finetune_lr_scale,
                  "Learning rate of the fine-tuned blocks relative to --lr")
      ->check(CLI::PositiveNumber)->capture_default_str();
  auto& m = a.train.model;
  cmd->add_option("--width", m.width, "Token width D")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--layers", m.layers, "QuadFlow layers")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--heads", m.heads, "Attention heads")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--neighbours", m.neighbours, "H<->H: spots each spot attends to (itself included)")
      ->check(CLI::PositiveNumber)->capture_default_str();
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
  cmd->add_option("--linear-path", a.linear_path,
                  "The closed-form linear path from features to pathway activities: on, off, or "
                  "auto (on for a single model, off for an ensemble)")
      ->check(CLI::IsMember({"auto", "on", "off"}))->capture_default_str();
  cmd->add_flag_callback("--no-linear-path", [&a] { a.linear_path = "off"; }, "The same as --linear-path off");
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
  cmd->add_option("--residual-rank", m.residual_rank, "Gene decoder residual rank (0: strict bottleneck)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--dropout", m.dropout, "Dropout")->check(CLI::Range(0.0, 0.9))->capture_default_str();
  auto& t = a.train;
  cmd->add_option("--epochs", t.epochs, "Epochs (one step per training slide each)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--ensemble", t.ensemble,
                  "Models trained with consecutive seeds whose predictions are averaged")
      ->check(CLI::Range(1, 100))->capture_default_str();
  cmd->add_option("--lr", t.learning_rate, "Peak learning rate (AdamW)")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--weight-decay", t.weight_decay, "AdamW weight decay")->capture_default_str();
  cmd->add_option("--crop-spots", t.crop_spots, "Train on random spatial crops of this many spots (0: whole slides)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--smoothness", t.loss.smoothness, "Weight of the spatial smoothness penalty")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--seed", t.seed, "Seed (weights, crops, dropout)")->capture_default_str();
  cmd->add_option("--threads", t.threads, "Threads (default: all cores)");
  cmd->add_option("--device", t.device, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))->capture_default_str();
}

std::vector<ReadOptions> resolve_training_args(TrainingArgs& a) {
  a.data.scoring.method = parse_score_method(a.method);
  a.data.scoring.threads = a.train.threads;
  a.data.encoder.threads = a.train.threads;
  a.data.encoder.device = a.train.device;  // one --device for the encoder and the model
  a.data.finetune_blocks = a.train.finetune_blocks;
  a.train.model.linear_path = a.linear_path == "auto" ? linear_path_by_default(a.train.ensemble)
                                                      : a.linear_path == "on";
  if (!a.genes_file.empty()) a.data.targets.genes = read_gene_list(a.genes_file);
  std::vector<ReadOptions> reads;
  const auto base = [&](const std::string& input) {
    ReadOptions r;
    r.input = input;
    r.format = parse_input_format(a.format);
    r.um_per_px = a.um_per_px;
    return r;
  };
  if (!a.sections.empty()) {
    STX_CHECK(a.inputs.size() == 1, ConfigError,
              "--sections needs exactly one legacy ST dataset folder, found {} inputs", a.inputs.size());
    for (const auto& s : a.sections) {
      reads.push_back(base(a.inputs.front()));
      reads.back().section = s;
    }
  } else {
    for (const auto& input : a.inputs) reads.push_back(base(input));
  }
  return reads;
}

void apply_groups(const TrainingArgs& a, Dataset& data) {
  if (!a.sections.empty())
    for (auto& s : data.slides)
      if (const std::string patient = patient_of_section(s.name); !patient.empty()) s.group = patient;
  const auto assign = [&](const std::string& slide, const std::string& group, const std::string& where) {
    bool found = false;
    for (auto& s : data.slides)
      if (s.name == slide) {
        s.group = group;
        found = true;
      }
    STX_CHECK(found, ConfigError, "{}: no slide named '{}'", where, slide);
  };
  if (!a.group_table.empty())
    for (const auto& [slide, group] : read_slide_groups(a.group_table)) assign(slide, group, a.group_table);
  for (const auto& pair : a.groups) {
    const auto eq = pair.find('=');
    STX_CHECK(eq != std::string::npos && eq > 0 && eq + 1 < pair.size(), ConfigError,
              "--group '{}': expected SLIDE=GROUP", pair);
    assign(pair.substr(0, eq), pair.substr(eq + 1), "--group '" + pair + "'");
  }
}

void print_training_setup(const TrainingArgs& a, const Dataset& data) {
  int64_t spots = 0;
  std::string names;
  for (const auto& s : data.slides) {
    spots += s.n_spots();
    names += (names.empty() ? "" : ", ") + s.name + (s.group != s.name ? "(" + s.group + ")" : "");
  }
  const auto& m = data.metadata;
  fmt::print("  slides    = {} ({} spots)\n", names, spots);
  fmt::print("  encoder   = {} ({} features)\n", m.encoder_identity, m.feature_names.size());
  fmt::print("  targets   = {} pathways ({} scores, {}), {} genes\n", m.pathways.size(),
             m.score_method, m.gene_sets, m.genes.size());
  QuadFlowOptions shown = a.train.model;
  fmt::print("  model     = QuadFlow, {}\n", describe(shown));
  if (a.train.finetune_blocks > 0)
    fmt::print("  finetune  = the ViT's last {} block(s), learning rate x {:g}\n", a.train.finetune_blocks,
               a.train.finetune_lr_scale);
  fmt::print("  training  = {} epochs, AdamW lr {:g} wd {:g}, {} steps, seed {}, smoothness {:g}{}\n",
             a.train.epochs, a.train.learning_rate, a.train.weight_decay,
             a.train.crop_spots > 0 ? fmt::format("crops of {} spots", a.train.crop_spots)
                                    : std::string("whole-slide"),
             a.train.seed, a.train.loss.smoothness,
             a.train.ensemble > 1 ? fmt::format(", mean of {} models (seeds {}..{})", a.train.ensemble,
                                                a.train.seed, a.train.seed + a.train.ensemble - 1)
                                  : std::string());
}

}  // namespace stx::cli
