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

// A cache file: the features, and the spots it holds them for, as recorded in the file.
struct FeatureFile {
  EncodedFeatures features;
  std::vector<std::string> spot_ids;  // (N)
  std::vector<double> spatial;        // (N, 2) full-resolution (x, y)
};

// What a cache file's checksum covers: the features, the off-image flags and the coordinates.
uint64_t values_hash(const EncodedFeatures& f, const std::vector<double>& spatial) {
  uint64_t h = fnv1a64(f.values.data(), f.values.size() * sizeof(float));
  h = fnv1a64(f.off_image.data(), f.off_image.size(), h);
  return fnv1a64(spatial.data(), spatial.size() * sizeof(double), h);
}

// The (x, y) pixels of the slide's first n spots, as a cache file records them.
std::vector<double> first_spots_spatial(const Slide& slide, size_t n) {
  std::vector<double> spatial;
  spatial.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) spatial.insert(spatial.end(), {slide.pixel_x[i], slide.pixel_y[i]});
  return spatial;
}

// Whether the file holds the features of the slide's first spots: same ids and coordinates.
bool holds_first_spots_of(const FeatureFile& file, const Slide& slide) {
  const size_t n = file.spot_ids.size();
  return n <= slide.spot_ids.size() && slide.pixel_x.size() == slide.spot_ids.size() &&
         std::equal(file.spot_ids.begin(), file.spot_ids.end(), slide.spot_ids.begin()) &&
         file.spatial == first_spots_spatial(slide, n);
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

void save_features_file(const EncodedFeatures& features, const Slide& slide, const std::string& path,
                        int64_t of_spots) {
  const size_t n = static_cast<size_t>(features.n_spots()), d = features.feature_names.size();
  STX_CHECK(features.values.size() == n * d && n <= slide.spot_ids.size() && slide.pixel_x.size() >= n, ShapeError,
            "{}: {} values and {} flags for {} features, {} spots of slide {} ({} spots)", path,
            features.values.size(), n, d, n, slide.name, slide.n_spots());
  const std::vector<double> spatial = first_spots_spatial(slide, n);
  AtomicFile out(path);
  h5::File f = h5::File::create(out.temp_path(), path);
  f.write_string_attribute("/", "key", features.key);
  f.write_string_attribute("/", "values_fnv1a64", hex(values_hash(features, spatial)));
  if (of_spots >= 0) f.write_string_attribute("/", "checkpoint_of_spots", std::to_string(of_spots));
  f.write_numeric("/features", features.values, {n, d});
  f.write_strings("/spot_ids", std::vector<std::string>(slide.spot_ids.begin(), slide.spot_ids.begin() + static_cast<std::ptrdiff_t>(n)));
  f.write_strings("/feature_names", features.feature_names);
  f.write_numeric("/spatial", spatial, {n, 2});
  f.write_numeric("/off_image", std::vector<int8_t>(features.off_image.begin(), features.off_image.end()), {n});
  f.close();
  out.commit();
}

}  // namespace

void save_features(const EncodedFeatures& features, const Slide& slide, const std::string& path) {
  save_features_file(features, slide, path, -1);
}

std::string checkpoint_path(const std::string& cache_path) {
  const fs::path path(cache_path);
  return (path.parent_path() / (path.stem().string() + ".partial.h5")).string();
}

namespace {

FeatureFile read_features_file(const std::string& path) {
  const h5::File f = h5::File::open_read(path);
  FeatureFile file;
  EncodedFeatures& features = file.features;
  features.key = f.read_string_attribute("/", "key");
  file.spot_ids = f.read_strings("/spot_ids");
  features.feature_names = f.read_strings("/feature_names");
  features.values = f.read_numeric<float>("/features");
  features.off_image = f.read_numeric<uint8_t>("/off_image");
  file.spatial = f.read_numeric<double>("/spatial");
  const size_t n = file.spot_ids.size();
  STX_CHECK(features.values.size() == n * features.feature_names.size() && features.off_image.size() == n &&
                file.spatial.size() == 2 * n,
            FormatError, "{}: /features has {} values, expected {} spots x {} features", path,
            features.values.size(), n, features.feature_names.size());
  STX_CHECK(!f.has_attribute("/", "values_fnv1a64") || f.read_string_attribute("/", "values_fnv1a64") ==
                                                           hex(values_hash(features, file.spatial)),
            FormatError, "{}: damaged feature cache (its values do not match their checksum); delete it", path);
  return file;
}

FeatureFile read_feature_file_safely(const std::string& path) {
  refuse_if_reading_crashes(path, "HDF5", [&] { read_features_file(path); });
  return read_features_file(path);
}

void check_holds_spots_of(const FeatureFile& file, const Slide& slide, const std::string& path) {
  STX_CHECK(holds_first_spots_of(file, slide), FormatError,
            "{}: /spot_ids and /spatial record other spots than those of slide {}; delete the file", path, slide.name);
}

}  // namespace

EncodedFeatures load_features(const std::string& path, const Slide& slide) {
  FeatureFile file = read_feature_file_safely(path);
  check_holds_spots_of(file, slide, path);
  return std::move(file.features);
}

namespace {

// The first spots of an earlier, interrupted encode with the same key, or nothing.
EncodedFeatures read_checkpoint(const Slide& slide, const std::string& path, const std::string& key) {
  if (!fs::exists(path)) return {};
  FeatureFile done;
  try {
    done = read_feature_file_safely(path);
  } catch (const FormatError& e) {
    log()->warn("{}: not resuming from an unreadable checkpoint ({}); encoding from the start", path, e.what());
    return {};
  }
  return done.features.key == key && holds_first_spots_of(done, slide) ? std::move(done.features) : EncodedFeatures{};
}

// Encodes the spots not in the checkpoint, chunk by chunk, saving the checkpoint as it goes.
void encode_resuming(const Slide& slide, const Encoder& encoder, const std::string& cache_path,
                     const EncodeCheckpoints& checkpoints, bool overwrite, EncodedFeatures& features) {
  const std::string partial = checkpoint_path(cache_path);
  EncodedFeatures done = overwrite ? EncodedFeatures{} : read_checkpoint(slide, partial, features.key);
  const int64_t n = slide.n_spots(), resumed = done.n_spots();
  if (resumed > 0) {
    log()->info("{}: resuming the encode from {} ({} of {} spots done)", slide.name, partial, resumed, n);
    features.values = std::move(done.values);
    features.off_image = std::move(done.off_image);
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
    if (end < n && std::chrono::duration<double>(clock() - last_save).count() >= checkpoints.every_seconds) {
      save_features_file(features, slide, partial, n);
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
    FeatureFile cached = read_feature_file_safely(result.path);
    if (cached.features.key == key) {
      check_holds_spots_of(cached, slide, result.path);
      result.features = std::move(cached.features);
      result.reused = true;
      return result;
    }
  }
  result.features.key = key;
  result.features.feature_names = encoder.feature_names();
  encode_resuming(slide, encoder, result.path, checkpoints, overwrite, result.features);
  save_features(result.features, slide, result.path);
  std::filesystem::remove(checkpoint_path(result.path), error);
  return result;
}

}  // namespace stx
