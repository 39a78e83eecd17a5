// Binomial thinning of counts to a common depth: each count c of a spot whose total T exceeds
// the target becomes Binomial(c, target / T), so the spot keeps its expected composition and
// its expected total becomes the target; spots at or below the target are left as they are.
// Scores of thinned spots no longer follow sequencing depth (issue #27; scanpy's
// pp.downsample_counts draws without replacement to exactly the target instead).
#pragma once

#include <cstdint>

#include "stx/io/slide/csr_matrix.hpp"

namespace stx {

/// Each row drawn from its own generator seeded by `seed` and the row index, so the result
/// does not depend on the thread count. FormatError if a count is not a whole number.
CsrMatrix thin_counts(const CsrMatrix& counts, int64_t target_total, uint64_t seed);

}  // namespace stx
