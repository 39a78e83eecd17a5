// PyTorch checkpoints (.pth, .bin) without Python: the zip archive torch.save has written
// since PyTorch 1.6, read with the zip reader LibTorch ships (caffe2's PyTorchStreamReader),
// and its data.pkl read by the restricted unpickler in torch_pickle.cpp.
#include <caffe2/serialize/inline_container.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../weights/torch_pickle.hpp"
#include "archive_entries.hpp"
#include "../weights/weight_dtypes.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/weights/weights.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {
namespace {

using Kind = PickleObject::Kind;

std::string record_text(caffe2::serialize::PyTorchStreamReader& zip, const std::string& name) {
  auto [data, size] = zip.getRecord(name);
  return std::string(static_cast<const char*>(data.get()), size);
}

bool has_tensors(const PickleObject& dict) {
  for (size_t i = 1; i < dict.items.size(); i += 2)
    if (dict.items[i]->kind == Kind::Tensor) return true;
  return false;
}

// The state dict inside what was saved: the object itself, or a training checkpoint's
// "state_dict" / "model" / "model_state_dict" / "teacher" entry.
const PickleObject& find_state_dict(const PickleObject& root, const std::string& path) {
  STX_CHECK(root.kind == Kind::Dict, FormatError, "{}: the checkpoint holds no dict of tensors", path);
  if (has_tensors(root)) return root;
  std::string keys;
  for (const std::string wanted : {"state_dict", "model", "model_state_dict", "teacher"}) {
    for (size_t i = 0; i + 1 < root.items.size(); i += 2) {
      const auto& key = *root.items[i];
      if (key.kind == Kind::String && key.text == wanted && root.items[i + 1]->kind == Kind::Dict &&
          has_tensors(*root.items[i + 1]))
        return *root.items[i + 1];
    }
  }
  for (size_t i = 0; i + 1 < root.items.size(); i += 2)
    if (root.items[i]->kind == Kind::String) keys += (keys.empty() ? "" : ", ") + root.items[i]->text;
  throw FormatError(fmt::format("{}: no tensors at the top level nor under state_dict, model, "
                                "model_state_dict or teacher (keys: {})", path, keys));
}

// Elements of `t` (any strides, an offset into a shared storage) in row-major order.
std::vector<float> gather(const PickledTensor& t, const std::vector<float>& storage,
                          const std::string& where) {
  int64_t count = 1, last = t.offset;
  for (size_t d = 0; d < t.shape.size(); ++d) {
    STX_CHECK(t.shape[d] >= 0 && t.stride[d] >= 0, FormatError, "{}: negative size or stride", where);
    count *= t.shape[d];
    if (t.shape[d] > 0) last += (t.shape[d] - 1) * t.stride[d];
  }
  if (count == 0) return {};
  STX_CHECK(t.offset >= 0 && last < static_cast<int64_t>(storage.size()), FormatError,
            "{}: reaches element {} of a storage of {}", where, last, storage.size());
  std::vector<float> out(static_cast<size_t>(count));
  std::vector<int64_t> index(t.shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t at = t.offset;
    for (size_t d = 0; d < index.size(); ++d) at += index[d] * t.stride[d];
    out[static_cast<size_t>(i)] = storage[static_cast<size_t>(at)];
    for (size_t d = index.size(); d-- > 0;) {  // odometer
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace

StateDict read_torch_checkpoint(const std::string& path) {
  STX_CHECK(std::filesystem::is_regular_file(path), IoError, "{}: weights file not found", path);
  char magic[4] = {};
  std::ifstream(path, std::ios::binary).read(magic, 4);
  STX_CHECK(!(static_cast<unsigned char>(magic[0]) == 0x80 && magic[1] == 0x02), FormatError,
            "{}: a legacy (before PyTorch 1.6) torch.save file; re-save it with a current PyTorch "
            "or convert it to safetensors", path);
  STX_CHECK(std::string(magic, 4) == std::string("PK\x03\x04", 4), FormatError,
            "{}: not a PyTorch checkpoint (expected the zip archive torch.save writes)", path);
  const std::map<std::string, ArchiveEntry> entries = read_archive_entries(path);
  const auto pickle = entries.find("data.pkl");
  STX_CHECK(pickle != entries.end(), FormatError, "{}: no data.pkl in the archive", path);
  STX_CHECK(pickle->second.size <= kMaxPickleBytes, FormatError,
            "{}: data.pkl declares {} bytes (at most {} MiB expected)", path, pickle->second.size,
            kMaxPickleBytes >> 20);
  try {
    caffe2::serialize::PyTorchStreamReader zip(path);
    STX_CHECK(zip.hasRecord("data.pkl"), FormatError, "{}: no data.pkl in the archive", path);
    if (zip.hasRecord("byteorder"))
      STX_CHECK(record_text(zip, "byteorder") == "little", FormatError,
                "{}: big-endian tensors are not supported", path);
    const PickleRef root = read_torch_pickle(record_text(zip, "data.pkl"), path + " (data.pkl)");
    const PickleObject& dict = find_state_dict(*root, path);

    std::map<std::string, std::vector<float>> storages;  // by key, converted once (views share them)
    StateDict weights;
    for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
      const PickleObject &key = *dict.items[i], &value = *dict.items[i + 1];
      if (key.kind != Kind::String || value.kind != Kind::Tensor) continue;  // e.g. a step counter
      const PickledTensor& t = value.tensor;
      const std::string where = fmt::format("{}: tensor '{}'", path, key.text);
      auto storage = storages.find(t.storage_key);
      if (storage == storages.end()) {
        const size_t width = dtype_size(t.dtype);
        const auto entry = entries.find("data/" + t.storage_key);
        STX_CHECK(entry != entries.end(), FormatError, "{}: storage {} is not in the archive", where, t.storage_key);
        STX_CHECK(t.storage_numel >= 0 && entry->second.size == width * static_cast<uint64_t>(t.storage_numel),
                  FormatError, "{}: storage {} has {} bytes, expected {} elements of {}", where, t.storage_key,
                  entry->second.size, t.storage_numel, t.dtype);
        // Checked again once read: LibTorch's reader (miniz) reads the directory on its own.
        const std::string bytes = record_text(zip, "data/" + t.storage_key);
        STX_CHECK(bytes.size() == width * static_cast<size_t>(t.storage_numel), FormatError,
                  "{}: storage {} has {} bytes, expected {} elements of {}", where, t.storage_key,
                  bytes.size(), t.storage_numel, t.dtype);
        storage = storages.emplace(t.storage_key, convert_to_float(t.dtype, bytes.data(), bytes.size() / width)).first;
      }
      weights[key.text] = WeightTensor{t.dtype, t.shape, gather(t, storage->second, where)};
    }
    return weights;
  } catch (const c10::Error& e) {
    throw FormatError(fmt::format("{}: unreadable PyTorch archive: {}", path, torch_compat::first_line(e)));
  }
}

StateDict read_weights(const std::string& path) {
  STX_CHECK(std::filesystem::is_regular_file(path), IoError, "{}: weights file not found", path);
  char magic[4] = {};
  std::ifstream(path, std::ios::binary).read(magic, 4);
  const bool torch_file = std::string(magic, 4) == std::string("PK\x03\x04", 4) ||
                          (static_cast<unsigned char>(magic[0]) == 0x80 && magic[1] == 0x02);
  return torch_file ? read_torch_checkpoint(path) : read_safetensors(path);
}

}  // namespace stx
