// rank: AUCell (Aibar et al. 2017). Genes of one spot are ranked high -> low (rank 1 = most
// expressed; ties broken at random, seeded per spot so results do not depend on threads).
// With T = ceil(fraction * G), or T = min(max_rank, G) when a max rank is given, AUC = sum over set genes ranked r < T of (T - r), divided by
// its maximum sum_{i=1}^{min(k, T-1)} (T - i): the set's genes at the very top.
// Zero-expressed genes share the bottom ranks; they matter only when a spot detects fewer
// than T genes, and then their places among the zeros are drawn at random too.
#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_set>

#include "score_methods.hpp"

namespace stx::scoring {

void score_rank(const Context& c, PathwayScores& out) {
  const int64_t n = c.x.n_rows, n_genes = c.x.n_cols, n_sets = c.n_sets();
  const int64_t top = c.options.max_rank > 0
                          ? std::min(c.options.max_rank, n_genes)
                          : static_cast<int64_t>(std::ceil(c.options.aucell_max_rank_fraction * static_cast<double>(n_genes)));
  std::vector<double> max_auc(n_sets, 0.0);
  for (int64_t s = 0; s < n_sets; ++s) {
    const int64_t k = static_cast<int64_t>(c.match.sets[s].gene_indices.size());
    for (int64_t i = 1; i <= std::min(k, top - 1); ++i) max_auc[s] += static_cast<double>(top - i);
  }

#pragma omp parallel
  {
    std::vector<double> auc(n_sets);
    std::vector<std::pair<float, uint64_t>> keyed;  // (value, random tie-break key)
    std::vector<int32_t> gene_of;
#pragma omp for schedule(dynamic, 16)
    for (int64_t r = 0; r < n; ++r) {
      std::fill(auc.begin(), auc.end(), 0.0);
      std::mt19937_64 rng(c.options.seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(r + 1)));
      const int64_t begin = c.x.indptr[r], n_nonzero = c.x.indptr[r + 1] - begin;
      keyed.clear();
      gene_of.clear();
      for (int64_t k = 0; k < n_nonzero; ++k) keyed.push_back({c.x.data[begin + k], rng()});
      std::vector<int32_t> order(static_cast<size_t>(n_nonzero));
      for (int32_t i = 0; i < n_nonzero; ++i) order[i] = i;
      const int64_t ranked = std::min(n_nonzero, top - 1);  // only ranks < T count
      std::partial_sort(order.begin(), order.begin() + ranked, order.end(), [&](int32_t a, int32_t b) {
        return keyed[a].first != keyed[b].first ? keyed[a].first > keyed[b].first
                                                : keyed[a].second < keyed[b].second;
      });
      for (int64_t i = 0; i < ranked; ++i) {
        const double weight = static_cast<double>(top - (i + 1));
        c.index.for_sets_of(c.x.indices[begin + order[i]], [&](int32_t s) { auc[s] += weight; });
      }
      if (n_nonzero < top - 1) {
        // Zeros take ranks n_nonzero + 1 .. G in random order: each zero set gene gets a
        // distinct random place; only those above T contribute.
        const int64_t n_zero = n_genes - n_nonzero;
        std::unordered_set<int64_t> taken;
        for (int64_t s = 0; s < n_sets; ++s) {
          taken.clear();
          for (int32_t g : c.match.sets[s].gene_indices) {
            const auto* first = c.x.indices.data() + begin;
            if (std::binary_search(first, first + n_nonzero, g)) continue;
            std::uniform_int_distribution<int64_t> place(0, n_zero - 1);
            int64_t p;
            do p = place(rng); while (!taken.insert(p).second);
            const int64_t rank = n_nonzero + 1 + p;
            if (rank < top) auc[s] += static_cast<double>(top - rank);
          }
        }
      }
      for (int64_t s = 0; s < n_sets; ++s)
        out.values[r * n_sets + s] = static_cast<float>(max_auc[s] > 0 ? auc[s] / max_auc[s] : 0.0);
    }
  }
}

}  // namespace stx::scoring
