// Analytic Pearson residuals of counts (Lause, Berens & Kobak 2021; scanpy's
// experimental.pp.normalize_pearson_residuals): under a negative binomial with the spot's
// depth times the gene's share as its mean, mu = n_spot * p_gene, each count becomes
// (count - mu) / sqrt(mu + mu^2 / theta), clipped to +-clip. Depth enters the expected value,
// so a residual says how much more (or less) of the gene a spot has than its depth predicts.
#pragma once

#include <cstdint>
#include <vector>

#include "stx/io/slide/csr_matrix.hpp"

namespace stx {

struct PearsonResidualOptions {
  double theta = 100;  // overdispersion (scanpy's default)
  double clip = -1;    // < 0: sqrt(number of spots), scanpy's default
};

/// (rows, columns.size()) row-major residuals of the given columns; a spot's depth n and a
/// gene's share p are taken over all columns and rows of `counts`. A gene with no counts in
/// any spot has residual 0 everywhere (its mean is 0).
std::vector<float> pearson_residuals(const CsrMatrix& counts, const std::vector<int64_t>& columns,
                                     const PearsonResidualOptions& options = {});

}  // namespace stx
