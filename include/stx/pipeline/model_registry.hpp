// Models found by name or path: the ones shipped with stx (models/<name>/model.pt with its
// card, README.md, and card.json, in the source tree, <prefix>/share/stx/models or
// $STX_MODELS_DIR) and the user's own model files. What `stx predict` without -m and
// `stx models` use.
#pragma once

#include <string>
#include <vector>

namespace stx {

/// The model `stx predict` uses when no -m is given.
inline constexpr const char* kDefaultModelName = "her2st-builtin";

struct ModelEntry {
  std::string name;      // the folder's name for a shipped model, else the path given
  std::string path;      // the model file
  std::string card;      // its card (README.md beside it), "" if none
  std::string accuracy;  // the card's one-line accuracy summary (card.json), "" if none
  bool shipped = false;
};

/// Folders searched for shipped models, in order: each of $STX_MODELS_DIR (':'-separated),
/// then the source tree's models/ and <prefix>/share/stx/models beside the executable.
std::vector<std::string> model_folders();

/// Every shipped model (a folder holding model.pt), first found wins for a name; sorted by name.
std::vector<ModelEntry> shipped_models();

/// "" -> the default shipped model; an existing file -> that file; else a shipped model's
/// name. ConfigError naming the shipped models and the folders searched otherwise.
ModelEntry resolve_model(const std::string& name_or_path);

}  // namespace stx
