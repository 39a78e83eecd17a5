// The on-disk feature cache: one HDF5 file per (slide, encoder, patch geometry), holding the
// features, spot ids, spot coordinates, feature names and off-image flags, with the full key
// stored inside (pseudo-spots of an image-only slide exist nowhere else).
// A cached file is reused only when its stored key equals the requested one, so a changed
// image, spot set, encoder version or patch size always recomputes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/io/slide/slide.hpp"

namespace stx {

/// A slide's encoder features, one row per spot of the slide, in its order (the cache key
/// holds the spots' ids and coordinates, so a cached file is another slide's only under
/// another key). The spot axis itself stays in the Slide.
struct EncodedFeatures {
  std::string key;
  std::vector<std::string> feature_names;  // (D)
  std::vector<float> values;               // (N, D) row-major
  std::vector<uint8_t> off_image;          // (N)
  int64_t n_spots() const { return static_cast<int64_t>(off_image.size()); }
  int64_t dim() const { return static_cast<int64_t>(feature_names.size()); }
};

/// JSON text naming the slide (name, source, image, spot coordinates hash, µm/px), the
/// encoder identity and the patch geometry.
std::string feature_cache_key(const Slide& slide, const Encoder& encoder,
                              const PatchGeometry& patch);

struct CacheResult {
  EncodedFeatures features;
  std::string path;
  bool reused = false;
};

/// How a long encode keeps its work: the spots are encoded `chunk_spots` at a time, and after
/// a chunk, once `every_seconds` have passed since the last save, what is done so far goes to
/// `<cache file>.partial.h5`. A run with the same key resumes from there.
struct EncodeCheckpoints {
  int64_t chunk_spots = 2048;
  double every_seconds = 30;
};

/// Encodes `slide`, or reads the features cached under `cache_dir` for the same key, or
/// finishes an interrupted encode of the same key from its checkpoint.
CacheResult encode_with_cache(const Slide& slide, const Encoder& encoder,
                              const PatchGeometry& patch, const std::string& cache_dir,
                              bool overwrite, const EncodeCheckpoints& checkpoints = {});

/// Where encode_with_cache keeps the checkpoint of the cache file `cache_path`.
std::string checkpoint_path(const std::string& cache_path);

/// Writes the features of `slide`'s first features.n_spots() spots, recording their ids and
/// image coordinates beside them (a checkpoint holds the first spots only).
void save_features(const EncodedFeatures& features, const Slide& slide, const std::string& path);
/// The features a cache file holds for `slide`: FormatError naming the file when it is damaged
/// or the ids and coordinates it records are not those of the slide's first spots.
EncodedFeatures load_features(const std::string& path, const Slide& slide);

}  // namespace stx
