// Library-size normalisation + log1p on sparse counts: x = log1p(count / total * target_sum),
// scanpy's normalize_total + log1p. The matrix stays sparse (zeros stay zero); a spot with no
// counts stays all-zero and is reported by the scorers as flagged, not silently scored.
#pragma once

#include "stx/io/slide/csr_matrix.hpp"

namespace stx {

struct LogNormOptions {
  double target_sum = 1e4;  // counts per spot after scaling (CP10k)
};

CsrMatrix log_normalize(const CsrMatrix& counts, const LogNormOptions& options = {});

}  // namespace stx
