// Writing a Slide as AnnData .h5ad (on-disk format 0.1.0 / element encodings 0.2.0, as
// anndata >= 0.8 writes): X = raw counts (csr_matrix, float32), obs = spot ids, array
// coordinates, in_tissue and labels; var = gene symbols (+ gene_ids); obsm['spatial'] =
// (x, y) full-resolution pixels; uns['spatial'][name]['scalefactors'] as Space Ranger names
// them, so scanpy's plotting finds them. Reading lives in read_slide.hpp (read_h5ad).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "stx/io/slide.hpp"

namespace stx {

/// Results stored beside the slide: per-spot matrices in obsm, per-spot flags in obs, and
/// string metadata in uns (e.g. obsm['pathway_activity'] with uns['pathway_names']).
struct H5adExtras {
  struct ObsmMatrix {
    std::string key;
    int64_t n_cols = 0;
    std::vector<float> values;  // (n_spots, n_cols) row-major
  };
  std::vector<ObsmMatrix> obsm;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> obs_flags;     // (n_spots) 0/1
  std::vector<std::pair<std::string, std::vector<std::string>>> uns_lists;  // "a/b" nests
  std::vector<std::pair<std::string, std::string>> uns_strings;
  /// > 0: embed the H&E, downscaled to this longest side, as
  /// uns['spatial'][name]['images']['hires'] with its 'tissue_hires_scalef', so that
  /// sc.pl.spatial draws the spots over the tissue (Space Ranger's hires image is 2000 px).
  int hires_image_px = 0;
};

/// obsm[key] of an .h5ad as floats (n_cols 0 and no values when absent); FormatError if it
/// is not a 2-D numeric array.
H5adExtras::ObsmMatrix read_h5ad_obsm(const std::string& path, const std::string& key);

/// Whether `object` (e.g. "/uns/stx_X") exists in the .h5ad.
bool h5ad_has(const std::string& path, const std::string& object);

/// Writes atomically: `path` either appears complete or not at all.
void write_h5ad(const Slide& slide, const std::string& path, const H5adExtras& extras = {});

}  // namespace stx
