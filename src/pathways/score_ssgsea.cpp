// ssgsea: single-sample GSEA exactly as Bioconductor GSVA 1.46 computes it (Barbie et al.
// 2009; Hänzelmann et al. 2013). Per spot: ranks R = as.integer(rank(x, ties "average")),
// genes ordered by R decreasing (ties by gene index: R's stable order), and for a set S
//   ES = sum_i [ cumsum(R^alpha * in_S)_i / sum(R^alpha * in_S) - cumsum(!in_S)_i / (G - k) ]
// which, with p_j the 1-based positions of the k set genes, is in closed form
//   ES = sum_j R_j^alpha (G - p_j + 1) / W  -  (G (G + 1) / 2 - sum_j (G - p_j + 1)) / (G - k).
// Sparse trick: all zeros tie, so only the non-zeros are sorted; a zero gene's position is
// n_nonzero + (its index among the zeros) + 1. Normalisation (GSVA's default) divides all
// scores by the range (max - min) of the whole N x P matrix.
#include <algorithm>
#include <cmath>
#include <limits>

#include "score_methods.hpp"

namespace stx::scoring {

namespace {

// One spot's non-zero genes: their 1-based descending positions (ties by gene index) and their
// ascending average ranks (truncated, as GSVA's), the zeros being tied below them all.
void rank_nonzeros(const float* v, const int32_t* idx, int64_t n_nonzero, double g_total,
                   std::vector<int32_t>& order, std::vector<int64_t>& position, std::vector<double>& rank_of) {
  order.resize(static_cast<size_t>(n_nonzero));
  for (int32_t i = 0; i < n_nonzero; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return v[a] != v[b] ? v[a] > v[b] : idx[a] < idx[b];
  });
  for (int64_t i = 0; i < n_nonzero;) {
    int64_t j = i;
    while (j + 1 < n_nonzero && v[order[j + 1]] == v[order[i]]) ++j;
    // Descending slots i..j are ascending ranks G - j .. G - i; their mean, truncated.
    const double average = std::trunc((2.0 * g_total - static_cast<double>(i + j)) / 2.0);
    for (int64_t t = i; t <= j; ++t) {
      position[idx[order[t]]] = t + 1;
      rank_of[idx[order[t]]] = average;
    }
    i = j + 1;
  }
}

// GSVA's ssgsea.norm: every score divided by the range over the slide's scored spots.
void divide_by_range(const Context& c, PathwayScores& out) {
  const int64_t n = c.x.n_rows, n_sets = c.n_sets();
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (int64_t r = 0; r < n; ++r) {
    if (c.x.indptr[r + 1] == c.x.indptr[r]) continue;  // flagged spots do not set the range
    for (int64_t s = 0; s < n_sets; ++s) {
      lo = std::min(lo, static_cast<double>(out.values[r * n_sets + s]));
      hi = std::max(hi, static_cast<double>(out.values[r * n_sets + s]));
    }
  }
  const double range = hi - lo;
  if (range > 0)
    for (float& value : out.values) value = static_cast<float>(value / range);
}

}  // namespace

void score_ssgsea(const Context& c, PathwayScores& out) {
  const int64_t n = c.x.n_rows, n_genes = c.x.n_cols, n_sets = c.n_sets();
  const double alpha = c.options.ssgsea_alpha, g_total = static_cast<double>(n_genes);

#pragma omp parallel
  {
    std::vector<int32_t> order;
    std::vector<int64_t> position(n_genes, -1);  // 1-based descending position, non-zeros only
    std::vector<double> rank_of(n_genes, 0.0);   // integer-truncated average rank, non-zeros
#pragma omp for schedule(dynamic, 16)
    for (int64_t r = 0; r < n; ++r) {
      const int64_t begin = c.x.indptr[r], n_nonzero = c.x.indptr[r + 1] - begin;
      const int64_t n_zero = n_genes - n_nonzero;
      const float* v = c.x.data.data() + begin;
      const int32_t* idx = c.x.indices.data() + begin;
      rank_nonzeros(v, idx, n_nonzero, g_total, order, position, rank_of);
      const double zero_weight =
          n_zero > 0 ? std::pow(std::trunc(static_cast<double>(n_zero + 1) / 2.0), alpha) : 0.0;

      for (int64_t s = 0; s < n_sets; ++s) {
        const auto& genes = c.match.sets[s].gene_indices;
        const double k = static_cast<double>(genes.size());
        double weighted = 0.0, weight_sum = 0.0, tail_sum = 0.0;
        for (int32_t g : genes) {
          int64_t p;
          double w;
          if (position[g] > 0) {
            p = position[g];
            w = std::pow(rank_of[g], alpha);
          } else {  // a zero: after all non-zeros, in gene-index order among the zeros
            const int64_t nonzero_before = std::lower_bound(idx, idx + n_nonzero, g) - idx;
            p = n_nonzero + (g - nonzero_before) + 1;
            w = zero_weight;
          }
          const double tail = g_total - static_cast<double>(p) + 1.0;
          weighted += w * tail;
          weight_sum += w;
          tail_sum += tail;
        }
        const double in_part = weight_sum > 0 ? weighted / weight_sum : 0.0;
        const double out_part = (g_total * (g_total + 1.0) / 2.0 - tail_sum) / (g_total - k);
        out.values[r * n_sets + s] = static_cast<float>(in_part - out_part);
      }
      for (int64_t i = 0; i < n_nonzero; ++i) position[idx[i]] = -1;
    }
  }
  if (c.options.ssgsea_normalize) divide_by_range(c, out);
}

}  // namespace stx::scoring
