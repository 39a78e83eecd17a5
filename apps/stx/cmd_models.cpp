// `stx models [MODEL...]`: the shipped models and the user's, with what they were trained on
// (stx/pipeline/models.hpp); printed here as text or JSON.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "shared_options.hpp"
#include "stx/pipeline/models.hpp"

namespace stx::cli {
namespace {

std::string resolution(const std::vector<double>& um) {
  if (um.size() != 2) return "unknown µm/px";
  return fmt::format("{:.3f}–{:.3f} µm/px", um[0], um[1]);
}

void print_text(const std::vector<ModelSummary>& models) {
  if (models.empty()) fmt::print("No shipped model found (searched {})\n", fmt::join(model_folders(), ", "));
  for (const auto& s : models) {
    const ModelEntry& e = s.entry;
    fmt::print("{}{}\n", e.name,
               e.shipped ? (e.name == kDefaultModelName ? " (shipped; the default of stx predict)" : " (shipped)") : "");
    fmt::print("  file      = {} ({:.1f} MB, {} model{})\n", e.path, static_cast<double>(s.bytes) / 1e6, s.members,
               s.members == 1 ? "" : "s averaged");
    if (!e.card.empty()) fmt::print("  card      = {}\n", e.card);
    fmt::print("  trained   = {} ({})\n", fmt::join(s.training_slides, ", "), resolution(s.training_um_per_px));
    fmt::print("  encoder   = {} ({} features)\n", s.encoder, s.features);
    fmt::print("  targets   = {}; {}\n", s.pathway_targets, s.gene_targets);
    fmt::print("  accuracy  = {}\n", e.accuracy.empty() ? "not stated (no card.json beside the model)" : e.accuracy);
  }
}

void print_json(const std::vector<ModelSummary>& models) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : models)
    out.push_back({{"name", s.entry.name},
                   {"path", s.entry.path},
                   {"shipped", s.entry.shipped},
                   {"default", s.entry.shipped && s.entry.name == kDefaultModelName},
                   {"card", s.entry.card},
                   {"accuracy", s.entry.accuracy},
                   {"training_slides", s.training_slides},
                   {"training_um_per_px", s.training_um_per_px},
                   {"encoder", s.encoder},
                   {"features", s.features},
                   {"pathway_targets", s.pathway_targets},
                   {"gene_targets", s.gene_targets},
                   {"members", s.members},
                   {"bytes", s.bytes}});
  std::cout << out.dump(2) << "\n";
}

}  // namespace

Action add_models(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "models", "List the shipped models (and any model files given) with their training data and accuracy");
  cmd->add_option("models", *paths, "Your own model files (model.pt) or stx train run folders to describe too");
  add_json_flag(cmd, *json, "the list");
  return [paths, json, cmd]() -> int {
    if (!cmd->parsed()) return -1;
    const auto models = list_models(*paths);
    *json ? print_json(models) : print_text(models);
    return 0;
  };
}

}  // namespace stx::cli
