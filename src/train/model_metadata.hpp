// ModelMetadata <-> JSON, stored as one string inside every checkpoint (torch-free).
#pragma once

#include <nlohmann/json.hpp>

#include "stx/train/trained_model.hpp"

namespace stx {

nlohmann::json metadata_to_json(const ModelMetadata& m);
/// `source` names the checkpoint in errors.
ModelMetadata metadata_from_json(const nlohmann::json& j, const std::string& source);

}  // namespace stx
