// Writing a Slide as AnnData .h5ad (on-disk format 0.1.0 / element encodings 0.2.0, as
// anndata >= 0.8 writes): X = raw counts (csr_matrix, float32), obs = spot ids, array
// coordinates, in_tissue and labels; var = gene symbols (+ gene_ids); obsm['spatial'] =
// (x, y) full-resolution pixels, and obsm['spatial_um'] the same in µm when the scale is known
// (squidpy's and spatialdata's unit for cells); uns['spatial'][name]['scalefactors'] as Space Ranger names
// them, so scanpy's plotting finds them; Slide::obsm, obs_flags and uns_* as obsm, obs and
// uns entries. Reading lives in read_slide.hpp (read_h5ad), which maps them back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stx/io/slide/slide.hpp"

namespace stx {

/// obsm key of the coordinates in µm (written from obsm['spatial'] and µm/px; never read back).
inline constexpr const char* kSpatialUmKey = "spatial_um";

/// How write_h5ad writes what is not in the Slide.
struct H5adWriteOptions {
  /// > 0: embed the H&E, downscaled to this longest side, as
  /// uns['spatial'][name]['images']['hires'] with its 'tissue_hires_scalef', so that
  /// sc.pl.spatial draws the spots over the tissue (Space Ranger's hires image is 2000 px).
  int hires_image_px = 0;
};

/// Writes atomically: `path` either appears complete or not at all. The slide's aligned slots
/// become obsm and obs columns, its uns entries uns.
void write_h5ad(const Slide& slide, const std::string& path, const H5adWriteOptions& options = {});

}  // namespace stx
