// The 10x feature-barcode matrix, from either of its two on-disk forms:
//  - HDF5 (`*_feature_bc_matrix.h5`): Cell Ranger >= 3 / Space Ranger layout under /matrix
//    (features/{id,name,feature_type}), or the Cell Ranger 2 layout (/<genome>/{genes,
//    gene_names}). The CSC genes x barcodes arrays are read as CSR barcodes x genes as-is.
//  - MatrixMarket folder: matrix.mtx[.gz], barcodes.tsv[.gz], features.tsv[.gz] (or genes.tsv).
#pragma once

#include <string>
#include <vector>

#include "stx/io/slide/csr_matrix.hpp"

namespace stx {

struct TenxMatrix {
  std::vector<std::string> barcodes;       // (N)
  std::vector<std::string> feature_ids;    // (G)
  std::vector<std::string> feature_names;  // (G)
  std::vector<std::string> feature_types;  // (G) or empty
  CsrMatrix counts;                        // (N, G)
};

TenxMatrix read_tenx_h5_matrix(const std::string& path);
TenxMatrix read_tenx_mtx_dir(const std::string& dir);

/// Keeps only "Gene Expression" features when other types (antibodies, CRISPR) are present.
/// Returns how many features were dropped.
int64_t keep_gene_expression(TenxMatrix& matrix);

}  // namespace stx
