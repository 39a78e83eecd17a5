#include "stx/histology/encoders/feature_cache.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "patches.hpp"
#include "stx/core/error.hpp"
#include "stx/core/hash.hpp"
#include "stx/core/log.hpp"
#include "stx/io/files/atomic_file.hpp"
#include "stx/io/files/crash_guard.hpp"
#include "stx/io/hdf5/hdf5_file.hpp"

namespace stx {
namespace fs = std::filesystem;
namespace {

std::string hex(uint64_t value) { return fmt::format("{:016x}", value); }

// What a cache file's checksum covers: the features, the off-image flags and the coordinates.
uint64_t values_hash(const EncodedFeatures& f) {
  uint64_t h = fnv1a64(f.values.data(), f.values.size() * sizeof(float));
  h = fnv1a64(f.off_image.data(), f.off_image.size(), h);
  return fnv1a64(f.spatial.data(), f.spatial.size() * sizeof(double), h);
}

std::string absolute(const std::string& path) {
  return path.empty() ? "" : fs::absolute(path).lexically_normal().string();
}

}  // namespace

std::string feature_cache_key(const Slide& slide, const Encoder& encoder,
                              const PatchGeometry& patch) {
  uint64_t coords = fnv1a64(slide.pixel_x.data(), slide.pixel_x.size() * sizeof(double));
  coords = fnv1a64(slide.pixel_y.data(), slide.pixel_y.size() * sizeof(double), coords);
  for (const auto& id : slide.spot_ids) coords = fnv1a64(id.data(), id.size() + 1, coords);
  nlohmann::ordered_json key;
  key["slide"] = slide.name;
  key["source"] = absolute(slide.source_path);
  key["image"] = slide.image ? absolute(slide.image->path()) : "";
  key["image_size"] = slide.image ? fmt::format("{}x{}", slide.image->width(), slide.image->height()) : "";
  // by content: another image saved under the same path must not reuse these features
  key["image_content"] = slide.image && fs::is_regular_file(slide.image->path())
                             ? hex(file_fingerprint(slide.image->path()))
                             : "";
  key["spots"] = slide.n_spots();
  key["spot_hash"] = hex(coords);
  key["um_per_px"] = slide.um_per_px;
  key["encoder"] = encoder.identity();
  key["preprocessing"] = encoder.preprocessing();
  key["patch_um"] = patch.size_um;
  key["patch_px"] = patch.size_px;
  return key.dump();
}

namespace {

void save_features_file(const EncodedFeatures& features, const std::string& path, int64_t of_spots) {
  const size_t n = features.spot_ids.size(), d = features.feature_names.size();
  STX_CHECK(features.values.size() == n * d && features.off_image.size() == n &&
                features.spatial.size() == 2 * n,
            ShapeError, "{}: {} values, {} flags and {} coordinates for {} spots x {} features",
            path, features.values.size(), features.off_image.size(), features.spatial.size(), n, d);
  AtomicFile out(path);
  h5::File f = h5::File::create(out.temp_path(), path);
  f.write_string_attribute("/", "key", features.key);
  f.write_string_attribute("/", "values_fnv1a64", hex(values_hash(features)));
  if (of_spots >= 0) f.write_string_attribute("/", "checkpoint_of_spots", std::to_string(of_spots));
  f.write_numeric("/features", features.values, {n, d});
  f.write_strings("/spot_ids", features.spot_ids);
  f.write_strings("/feature_names", features.feature_names);
  f.write_numeric("/spatial", features.spatial, {n, 2});
  f.write_numeric("/off_image", std::vector<int8_t>(features.off_image.begin(), features.off_image.end()), {n});
  f.close();
  out.commit();
}

}  // namespace

void save_features(const EncodedFeatures& features, const std::string& path) {
  save_features_file(features, path, -1);
}

std::string checkpoint_path(const std::string& cache_path) {
  const fs::path path(cache_path);
  return (path.parent_path() / (path.stem().string() + ".partial.h5")).string();
}

namespace {

EncodedFeatures read_features_file(const std::string& path) {
  const h5::File f = h5::File::open_read(path);
  EncodedFeatures features;
  features.key = f.read_string_attribute("/", "key");
  features.spot_ids = f.read_strings("/spot_ids");
  features.feature_names = f.read_strings("/feature_names");
  features.values = f.read_numeric<float>("/features");
  features.off_image = f.read_numeric<uint8_t>("/off_image");
  features.spatial = f.read_numeric<double>("/spatial");
  const size_t n = features.spot_ids.size();
  STX_CHECK(features.values.size() == n * features.feature_names.size() && features.off_image.size() == n &&
                features.spatial.size() == 2 * n,
            FormatError, "{}: /features has {} values, expected {} spots x {} features", path,
            features.values.size(), n, features.feature_names.size());
  STX_CHECK(!f.has_attribute("/", "values_fnv1a64") || f.read_string_attribute("/", "values_fnv1a64") ==
                                                           hex(values_hash(features)),
            FormatError, "{}: damaged feature cache (its values do not match their checksum); delete it", path);
  return features;
}

}  // namespace

EncodedFeatures load_features(const std::string& path) {
  refuse_if_reading_crashes(path, "HDF5", [&] { read_features_file(path); });
  return read_features_file(path);
}

namespace {

// The first spots of an earlier, interrupted encode with the same key, or nothing.
EncodedFeatures read_checkpoint(const Slide& slide, const std::string& path, const std::string& key) {
  if (!fs::exists(path)) return {};
  EncodedFeatures done;
  try {
    done = load_features(path);
  } catch (const FormatError& e) {
    log()->warn("{}: not resuming from an unreadable checkpoint ({}); encoding from the start", path, e.what());
    return {};
  }
  const size_t n = done.spot_ids.size();
  const bool same = done.key == key && n <= slide.spot_ids.size() &&
                    std::equal(done.spot_ids.begin(), done.spot_ids.end(), slide.spot_ids.begin());
  return same ? done : EncodedFeatures{};
}

// Encodes the spots not in the checkpoint, chunk by chunk, saving the checkpoint as it goes.
void encode_resuming(const Slide& slide, const Encoder& encoder, const std::string& cache_path,
                     const EncodeCheckpoints& checkpoints, bool overwrite, EncodedFeatures& features) {
  const std::string partial = checkpoint_path(cache_path);
  EncodedFeatures done = overwrite ? EncodedFeatures{} : read_checkpoint(slide, partial, features.key);
  const int64_t n = slide.n_spots(), resumed = static_cast<int64_t>(done.spot_ids.size());
  if (resumed > 0) {
    log()->info("{}: resuming the encode from {} ({} of {} spots done)", slide.name, partial, resumed, n);
    features.spot_ids = std::move(done.spot_ids);
    features.values = std::move(done.values);
    features.off_image = std::move(done.off_image);
    features.spatial = std::move(done.spatial);
  }
  Progress progress("encode", n);
  progress.resume_from(resumed);
  const auto clock = [] { return std::chrono::steady_clock::now(); };
  auto last_save = clock();
  const int64_t chunk = std::max<int64_t>(1, checkpoints.chunk_spots);
  for (int64_t begin = resumed; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk);
    std::vector<uint8_t> off_image;
    const auto values = encoder.encode_spots(slide, begin, end, off_image, progress);
    features.values.insert(features.values.end(), values.begin(), values.end());
    features.off_image.insert(features.off_image.end(), off_image.begin(), off_image.end());
    for (int64_t i = begin; i < end; ++i) {
      features.spot_ids.push_back(slide.spot_ids[static_cast<size_t>(i)]);
      features.spatial.insert(features.spatial.end(), {slide.pixel_x[i], slide.pixel_y[i]});
    }
    if (end < n && std::chrono::duration<double>(clock() - last_save).count() >= checkpoints.every_seconds) {
      save_features_file(features, partial, n);
      last_save = clock();
    }
  }
}

}  // namespace

CacheResult encode_with_cache(const Slide& slide, const Encoder& encoder,
                              const PatchGeometry& patch, const std::string& cache_dir,
                              bool overwrite, const EncodeCheckpoints& checkpoints) {
  check_encodable(slide, patch);  // before anything reads the spots' coordinates
  CacheResult result;
  const std::string key = feature_cache_key(slide, encoder, patch);
  std::error_code error;
  fs::create_directories(cache_dir, error);
  STX_CHECK(!error && fs::is_directory(cache_dir), IoError, "--cache-dir {}: cannot create the folder ({})", cache_dir,
            error ? error.message() : "a file is in the way");
  result.path = (fs::path(cache_dir) / fmt::format("{}-{}-{}.h5", slide.name, encoder.identity(),
                                                  hex(fnv1a64(key.data(), key.size()))))
                    .string();
  if (!overwrite && fs::exists(result.path)) {
    EncodedFeatures cached = load_features(result.path);
    if (cached.key == key) {
      result.features = std::move(cached);
      result.reused = true;
      return result;
    }
  }
  result.features.key = key;
  result.features.feature_names = encoder.feature_names();
  encode_resuming(slide, encoder, result.path, checkpoints, overwrite, result.features);
  save_features(result.features, result.path);
  std::filesystem::remove(checkpoint_path(result.path), error);
  return result;
}

}  // namespace stx
