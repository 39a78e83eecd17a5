// Writing a Slide as AnnData .h5ad (on-disk format 0.1.0 / element encodings 0.2.0, as
// anndata >= 0.8 writes): X = raw counts (csr_matrix, float32), obs = spot ids, array
// coordinates, in_tissue and labels; var = gene symbols (+ gene_ids); obsm['spatial'] =
// (x, y) full-resolution pixels; uns['spatial'][name]['scalefactors'] as Space Ranger names
// them, so scanpy's plotting finds them. Reading lives in read_slide.hpp (read_h5ad).
#pragma once

#include <string>

#include "stx/io/slide.hpp"

namespace stx {

/// Writes atomically: `path` either appears complete or not at all.
void write_h5ad(const Slide& slide, const std::string& path);

}  // namespace stx
