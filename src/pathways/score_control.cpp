// control: scanpy's tl.score_genes (1.9): genes are binned by their mean expression across
// spots (pandas rank 'min' // round(G / (n_bins - 1))); for every bin that holds a set gene,
// ctrl_size genes of that bin are drawn (all of them if the bin is smaller); the set's own
// genes are removed from the controls; score = mean(set) - mean(controls). The draw uses
// std::mt19937_64 seeded with (seed, set index), so it differs from scanpy's pandas sampling
// but is reproducible; the genes drawn are returned for inspection and parity tests.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "score_methods.hpp"

namespace stx::scoring {
namespace {

// Bin of each gene: pandas Series.rank(method="min") // n_items, as scanpy computes it.
std::vector<int64_t> expression_bins(const std::vector<double>& mean, int n_bins) {
  const int64_t n_genes = static_cast<int64_t>(mean.size());
  std::vector<int64_t> order(n_genes);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return mean[a] < mean[b]; });
  // np.round rounds half to even, as nearbyint does in the default rounding mode.
  const int64_t n_items = std::max<int64_t>(
      1, static_cast<int64_t>(std::nearbyint(static_cast<double>(n_genes) / (n_bins - 1))));
  std::vector<int64_t> bin(n_genes);
  int64_t min_rank = 1;
  for (int64_t i = 0; i < n_genes; ++i) {
    if (i > 0 && mean[order[i]] != mean[order[i - 1]]) min_rank = i + 1;
    bin[order[i]] = min_rank / n_items;
  }
  return bin;
}

}  // namespace

void score_control(const Context& c, PathwayScores& out) {
  const int64_t n = c.x.n_rows, n_genes = c.x.n_cols, n_sets = c.n_sets();
  std::vector<double> mean(n_genes, 0.0);
  for (int64_t k = 0; k < c.x.nnz(); ++k) mean[c.x.indices[k]] += c.x.data[k];
  for (double& m : mean) m /= static_cast<double>(n);
  const std::vector<int64_t> bin = expression_bins(mean, c.options.control_bins);
  std::vector<std::vector<int32_t>> genes_in_bin;
  for (int64_t g = 0; g < n_genes; ++g) {
    if (bin[g] >= static_cast<int64_t>(genes_in_bin.size())) genes_in_bin.resize(bin[g] + 1);
    genes_in_bin[bin[g]].push_back(static_cast<int32_t>(g));
  }

  // Control genes of each set, and a gene -> (control of which sets) index like SetIndex.
  out.control_genes.assign(n_sets, {});
  for (int64_t s = 0; s < n_sets; ++s) {
    const auto& members = c.match.sets[s].gene_indices;
    std::set<int64_t> bins_hit;
    for (int32_t g : members) bins_hit.insert(bin[g]);
    std::mt19937_64 rng(c.options.seed * 1000003ULL + static_cast<uint64_t>(s));
    std::set<int32_t> controls;
    for (int64_t b : bins_hit) {
      std::vector<int32_t> pool = genes_in_bin[b];
      const size_t take = std::min<size_t>(pool.size(), static_cast<size_t>(c.options.control_size));
      for (size_t i = 0; i < take; ++i) {  // partial Fisher-Yates: a uniform sample
        std::uniform_int_distribution<size_t> pick(i, pool.size() - 1);
        std::swap(pool[i], pool[pick(rng)]);
        controls.insert(pool[i]);
      }
    }
    for (int32_t g : members) controls.erase(g);
    out.control_genes[s].assign(controls.begin(), controls.end());
  }
  GeneSetMatch control_match;
  for (int64_t s = 0; s < n_sets; ++s)
    control_match.sets.push_back({c.match.sets[s].name, out.control_genes[s], 0});
  const SetIndex control_index(control_match, n_genes);

#pragma omp parallel
  {
    std::vector<double> set_sum(n_sets), control_sum(n_sets);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < n; ++r) {
      std::fill(set_sum.begin(), set_sum.end(), 0.0);
      std::fill(control_sum.begin(), control_sum.end(), 0.0);
      for (int64_t k = c.x.indptr[r]; k < c.x.indptr[r + 1]; ++k) {
        const double v = c.x.data[k];
        c.index.for_sets_of(c.x.indices[k], [&](int32_t s) { set_sum[s] += v; });
        control_index.for_sets_of(c.x.indices[k], [&](int32_t s) { control_sum[s] += v; });
      }
      for (int64_t s = 0; s < n_sets; ++s) {
        const double n_control = static_cast<double>(out.control_genes[s].size());
        const double control_mean = n_control > 0 ? control_sum[s] / n_control : 0.0;
        out.values[r * n_sets + s] = static_cast<float>(
            set_sum[s] / static_cast<double>(c.match.sets[s].gene_indices.size()) - control_mean);
      }
    }
  }
}

}  // namespace stx::scoring
