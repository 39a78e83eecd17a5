#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "stx/core/error.hpp"
#include "stx/histology/weights/weights.hpp"
#include "weight_dtypes.hpp"

namespace stx {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ULL << 20;

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

}  // namespace

StateDict read_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  STX_CHECK(in.good(), IoError, "{}: cannot open weights file", path);
  const uint64_t file_size = std::filesystem::file_size(path);
  unsigned char length_bytes[8];
  STX_CHECK(in.read(reinterpret_cast<char*>(length_bytes), 8).good(), FormatError,
            "{}: too short for a safetensors file", path);
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | length_bytes[i];
  STX_CHECK(header_size <= kMaxHeaderBytes && 8 + header_size <= file_size, FormatError,
            "{}: header length {} does not fit a {}-byte file (not safetensors, or truncated)",
            path, header_size, file_size);
  std::string header(header_size, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  const nlohmann::json j = nlohmann::json::parse(header, nullptr, false);
  STX_CHECK(j.is_object(), FormatError, "{}: the safetensors header is not a JSON object", path);
  const uint64_t data_size = file_size - 8 - header_size;
  std::vector<char> data(data_size);
  in.read(data.data(), static_cast<std::streamsize>(data_size));
  STX_CHECK(static_cast<uint64_t>(in.gcount()) == data_size, FormatError, "{}: truncated data", path);

  StateDict weights;
  for (const auto& [name, entry] : j.items()) {
    if (name == "__metadata__") continue;
    STX_CHECK(entry.is_object() && entry.contains("dtype") && entry.contains("shape") &&
                  entry.contains("data_offsets"),
              FormatError, "{}: tensor '{}': expected dtype, shape and data_offsets", path, name);
    WeightTensor t;
    std::vector<uint64_t> offsets;
    try {
      t.dtype = entry["dtype"].get<std::string>();
      t.shape = entry["shape"].get<std::vector<int64_t>>();
      offsets = entry["data_offsets"].get<std::vector<uint64_t>>();
    } catch (const nlohmann::json::exception&) {
      throw FormatError(fmt::format("{}: tensor '{}': dtype must be text, shape a list of sizes, data_offsets "
                                    "a list of 2 byte offsets", path, name));
    }
    const size_t width = dtype_size(t.dtype);
    STX_CHECK(width > 0, FormatError, "{}: tensor '{}': dtype {} not supported (F32, F16, BF16, F64)",
              path, name, t.dtype);
    uint64_t count = 1;
    for (int64_t d : t.shape) {
      STX_CHECK(d >= 0 && d < (int64_t{1} << 40), FormatError, "{}: tensor '{}': a dimension of {}", path, name, d);
      STX_CHECK(count <= (uint64_t{1} << 40) / (static_cast<uint64_t>(d) + 1), FormatError,
                "{}: tensor '{}': shape {} is too large", path, name, shape_text(t.shape));
      count *= static_cast<uint64_t>(d);
    }
    STX_CHECK(offsets.size() == 2 && offsets[0] <= offsets[1] && offsets[1] <= data_size, FormatError,
              "{}: tensor '{}': data_offsets outside the {}-byte data section", path, name, data_size);
    STX_CHECK(offsets[1] - offsets[0] == count * width, FormatError,
              "{}: tensor '{}': {} bytes for shape {} of {}", path, name, offsets[1] - offsets[0],
              shape_text(t.shape), t.dtype);
    t.values = convert_to_float(t.dtype, data.data() + offsets[0], count);
    weights.emplace(name, std::move(t));
  }
  return weights;
}

void check_state_dict(const StateDict& weights,
                      const std::map<std::string, std::vector<int64_t>>& expected,
                      const std::string& source) {
  std::vector<std::string> problems;
  for (const auto& [name, shape] : expected) {
    const auto it = weights.find(name);
    if (it == weights.end())
      problems.push_back("missing " + name + " " + shape_text(shape));
    else if (it->second.shape != shape)
      problems.push_back("wrong shape " + name + ": " + shape_text(it->second.shape) + ", expected " + shape_text(shape));
  }
  for (const auto& [name, tensor] : weights)
    if (!expected.count(name)) problems.push_back("unexpected " + name + " " + shape_text(tensor.shape));
  if (problems.empty()) return;
  std::string list;
  for (size_t i = 0; i < problems.size() && i < 20; ++i) list += (i ? "; " : "") + problems[i];
  if (problems.size() > 20) list += fmt::format("; and {} more", problems.size() - 20);
  throw FormatError(fmt::format("{}: {} weight mismatch(es): {}", source, problems.size(), list));
}

}  // namespace stx
