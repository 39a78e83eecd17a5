#include "stx/pipeline/training_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "stx/core/error.hpp"
#include "stx/io/slide/slide_groups.hpp"
#include "stx/pathways/scoring.hpp"
#include "stx/pipeline/inputs.hpp"
#include "stx/stats/fold_plan.hpp"

namespace stx {

std::vector<ReadOptions> resolve_training_inputs(TrainingInputs& a) {
  check_train_options(a.train);
  check_distinct_sections(a.sections);
  a.data.scoring.method = parse_score_method(a.method);
  a.data.scoring.threads = a.train.threads;
  check_score_options(a.data.scoring);
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

void apply_groups(const TrainingInputs& a, Dataset& data) {
  if (!a.sections.empty())
    for (auto& s : data.slides)
      if (const std::string patient = patient_of_section(s.name()); !patient.empty()) s.group = patient;
  std::map<std::string, std::pair<std::string, std::string>> given;  // slide -> (group, where)
  const auto assign = [&](const std::string& slide, const std::string& group, const std::string& where) {
    const auto [earlier, first] = given.emplace(slide, std::make_pair(group, where));
    STX_CHECK(first || earlier->second.first == group, ConfigError,
              "{}: slide '{}' is already in group '{}' ({}): give each slide one group", where, slide,
              earlier->second.first, earlier->second.second);
    bool found = false;
    for (auto& s : data.slides)
      if (s.name() == slide) {
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

std::string describe_training_setup(const TrainingInputs& a, const Dataset& data) {
  int64_t spots = 0;
  std::string names;
  for (const auto& s : data.slides) {
    spots += s.n_spots();
    names += (names.empty() ? "" : ", ") + s.name() + (s.group != s.name() ? "(" + s.group + ")" : "");
  }
  const auto& m = data.metadata;
  std::string text;
  text += fmt::format("  slides    = {} ({} spots)\n", names, spots);
  text += fmt::format("  encoder   = {} ({} features)\n", m.encoder_identity, m.feature_names.size());
  text += fmt::format("  targets   = {} pathways ({} scores, {}), {} genes\n", m.pathways.size(),
                      describe_scoring(a.data.scoring), m.gene_sets, m.genes.size());
  QuadFlowOptions shown = a.train.model;
  text += fmt::format("  model     = QuadFlow, {}\n", describe(shown));
  if (a.train.finetune_blocks > 0)
    text += fmt::format("  finetune  = the ViT's last {} block(s), learning rate x {:g}\n", a.train.finetune_blocks,
                        a.train.finetune_lr_scale);
  text += fmt::format("  training  = {} epochs, AdamW lr {:g} wd {:g}, {} steps, seed {}, smoothness {:g}{}\n",
                      a.train.epochs, a.train.learning_rate, a.train.weight_decay,
                      a.train.crop_spots > 0 ? fmt::format("crops of {} spots", a.train.crop_spots)
                                             : std::string("whole-slide"),
                      a.train.seed, a.train.loss.smoothness,
                      a.train.ensemble > 1 ? fmt::format(", mean of {} models (seeds {}..{})", a.train.ensemble,
                                                         a.train.seed, a.train.seed + a.train.ensemble - 1)
                                           : std::string());
  if (a.train.slides_per_step > 1 || a.train.parallel.world > 1)
    text += fmt::format("  steps     = {} slides each{}\n", a.train.slides_per_step,
                        a.train.parallel.world > 1
                            ? fmt::format(", shared by {} processes (c10d Gloo, gradients summed)", a.train.parallel.world)
                            : std::string());
  return text;
}

}  // namespace stx
