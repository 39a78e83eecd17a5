// Cutting the patches an encoder sees, shared by every encoder: the checks a slide must pass,
// optional Macenko normalisation to a reference's stains, and the patch of each spot,
// flagged when it extends past the image.
#pragma once

#include <opencv2/core.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stx/histology/encoders/encoder.hpp"
#include "stx/histology/image/macenko.hpp"

namespace stx {

/// IoError/FormatError unless the slide has an image, coordinates and a known µm/px.
void check_encodable(const Slide& slide, const PatchGeometry& patch);

/// Maps a slide's stains onto a reference image's.
struct StainNormalizer {
  StainBasis source, target;
};

/// The stain basis of the reference image (or none), fitted once per encoder.
std::optional<StainBasis> load_stain_reference(const std::string& path);
/// "" or "macenko:<hash of the reference file>", for cache keys.
std::string stain_reference_identity(const std::string& path);

/// Fits the slide's own stain basis on a thumbnail (~8 µm/px) when `target` is set.
std::optional<StainNormalizer> make_normalizer(const Slide& slide, const std::optional<StainBasis>& target);

/// The patches of a run of spots, and which of them extend past the image.
struct PatchBlock {
  std::vector<cv::Mat> images;     // one per spot
  std::vector<uint8_t> off_image;  // 1 where the (scale 1) patch extends past the image
};

/// Patches of spots [begin, end), `scale` x the patch side, resampled to `out_px`, stain-
/// normalised if asked. Parallel over spots.
PatchBlock cut_patches(const Slide& slide, const PatchGeometry& patch, int64_t begin, int64_t end, double scale,
                       int out_px, const std::optional<StainNormalizer>& normalizer = std::nullopt);

/// Encodes spots [begin, end) of `slide` in batches: cuts each batch's patches (scale 1,
/// out_px = the geometry's), hands them to `encode_batch` ((B, D) row-major back),
/// concatenates. `off_image` gets end - begin flags; `progress` the running count.
std::vector<float> encode_in_batches(
    const Slide& slide, const PatchGeometry& patch, int64_t begin, int64_t end, int64_t batch,
    const std::optional<StainNormalizer>& normalizer, std::vector<uint8_t>& off_image, Progress& progress,
    const std::function<std::vector<float>(const std::vector<cv::Mat>&)>& encode_batch);

}  // namespace stx
