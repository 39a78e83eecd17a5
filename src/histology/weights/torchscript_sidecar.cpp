#include "torchscript_sidecar.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "stx/core/error.hpp"

namespace stx {

TorchScriptSidecar read_torchscript_sidecar(const std::string& path) {
  std::ifstream in(path);
  STX_CHECK(in.good(), ConfigError,
            "{}: the TorchScript encoder needs a JSON sidecar with name, input_size, mean, std "
            "and output (vector, cls or mean); pass --encoder-config",
            path);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  STX_CHECK(j.is_object(), FormatError, "{}: not valid JSON (expected an object)", path);
  const auto field = [&](const char* key) -> const nlohmann::json& {
    STX_CHECK(j.contains(key), FormatError, "{}: missing field '{}' (expected name, input_size, mean, std, output)",
              path, key);
    return j.at(key);
  };
  TorchScriptSidecar s;
  const auto& name = field("name");
  STX_CHECK(name.is_string() && !name.get_ref<const std::string&>().empty(), FormatError,
            "{}: field 'name': expected a non-empty string", path);
  s.name = name.get<std::string>();
  const auto& size = field("input_size");
  STX_CHECK(size.is_number_integer() && size.get<int64_t>() >= 16 && size.get<int64_t>() <= 4096, FormatError,
            "{}: field 'input_size': expected a whole number of pixels, 16..4096", path);
  s.input_size = static_cast<int>(size.get<int64_t>());
  const auto& output = field("output");
  STX_CHECK(output.is_string(), FormatError, "{}: field 'output': expected vector, cls or mean", path);
  s.output = output.get<std::string>();
  STX_CHECK(s.output == "vector" || s.output == "cls" || s.output == "mean", FormatError,
            "{}: field 'output' is '{}', expected vector, cls or mean", path, s.output);
  for (const auto& [key, target] : {std::pair{"mean", &s.mean}, {"std", &s.std}}) {
    const auto& values = field(key);
    STX_CHECK(values.is_array() && values.size() == 3, FormatError,
              "{}: field '{}': expected 3 numbers (R, G, B)", path, key);
    for (size_t c = 0; c < 3; ++c) {
      STX_CHECK(values[c].is_number() && std::abs(values[c].get<double>()) <= 1e6, FormatError,
                "{}: field '{}': expected 3 numbers (R, G, B) of magnitude at most 1e6", path, key);
      (*target)[c] = values[c].get<float>();
    }
  }
  for (float sd : s.std) STX_CHECK(sd > 0, FormatError, "{}: field 'std': expected positive numbers", path);
  return s;
}

}  // namespace stx
